window.YTD.note_tweet.part0 = [
  {
    "noteTweet" : {
      "noteTweetId" : "1850000000000094999",
      "createdAt" : "2024-11-10T09:00:00.000Z",
      "updatedAt" : "2024-11-10T09:00:00.000Z",
      "lifecycle" : {
        "value" : "1",
        "name" : "Active",
        "originalName" : "Active",
        "annotations" : {}
      },
      "core" : {
        "styletags" : [],
        "urls" : [],
        "text" : "On keeping a writing habit: I used to wait for a free morning. Now I write a little every day, even ten minutes, and the habit carries the ideas instead of the other way round. The days I don't feel like it are the days that count. Most of what I wrote on those days was bad, but it kept the thread alive, and the good days stood on it.",
        "mentions" : [],
        "cashtags" : [],
        "hashtags" : []
      }
    }
  }
]
