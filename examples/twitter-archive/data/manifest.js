window.__THAR_CONFIG = {
  "userInfo" : {
    "accountId" : "1000000001",
    "userName" : "sample_writer",
    "displayName" : "Sample Writer"
  },
  "archiveInfo" : {
    "sizeBytes" : "1",
    "generationDate" : "2024-11-21T00:00:00.000Z",
    "isPartialArchive" : false,
    "maxPartSizeBytes" : "53687091200"
  },
  "dataTypes" : {
    "tweets" : {
      "files" : [
        {
          "fileName" : "data/tweets.js",
          "globalName" : "YTD.tweets.part0",
          "count" : "26"
        }
      ]
    },
    "noteTweet" : {
      "files" : [
        {
          "fileName" : "data/note-tweet.js",
          "globalName" : "YTD.note_tweet.part0",
          "count" : "1"
        }
      ]
    }
  }
}
