window.YTD.tweets.part0 = [
  {
    "tweet" : {
      "id_str" : "1850000000000094000",
      "id" : "1850000000000094000",
      "created_at" : "Sun Nov 10 09:00:00 +0000 2024",
      "full_text" : "On keeping a writing habit: I used to wait for a free morning. Now I write a little every day, even ten minutes, and the habit carries the ideas instead of the other way round. The days I don't feel like it are the days that count. Most of what I wrote on those days was…",
      "lang" : "en",
      "favorite_count" : "8",
      "retweet_count" : "1",
      "retweeted" : false,
      "truncated" : false,
      "display_text_range" : [
        "0",
        "271"
      ],
      "entities" : {
        "hashtags" : [],
        "symbols" : [],
        "user_mentions" : [],
        "urls" : []
      }
    }
  },
  {
    "tweet" : {
      "id_str" : "1850000000000093500",
      "id" : "1850000000000093500",
      "created_at" : "Wed Nov 20 05:00:00 +0000 2024",
      "full_text" : "Plain text outlives every note-taking app I have ever used.",
      "lang" : "en",
      "favorite_count" : "1",
      "retweet_count" : "0",
      "retweeted" : false,
      "truncated" : false,
      "display_text_range" : [
        "0",
        "59"
      ],
      "entities" : {
        "hashtags" : [],
        "symbols" : [],
        "user_mentions" : [],
        "urls" : []
      },
      "edit_info" : {
        "edit" : {
          "initialTweetId" : "1850000000000093000",
          "editControlInitial" : {
            "editTweetIds" : [
              "1850000000000093000",
              "1850000000000093500"
            ],
            "editableUntil" : "2024-11-20T10:00:00.000Z",
            "editsRemaining" : "4",
            "isEditEligible" : true
          }
        }
      }
    }
  },
  {
    "tweet" : {
      "id_str" : "1850000000000093000",
      "id" : "1850000000000093000",
      "created_at" : "Wed Nov 20 04:00:00 +0000 2024",
      "full_text" : "Plain text outlives every app I have used for notes.",
      "lang" : "en",
      "favorite_count" : "1",
      "retweet_count" : "0",
      "retweeted" : false,
      "truncated" : false,
      "display_text_range" : [
        "0",
        "52"
      ],
      "entities" : {
        "hashtags" : [],
        "symbols" : [],
        "user_mentions" : [],
        "urls" : []
      },
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "1850000000000093000",
            "1850000000000093500"
          ],
          "editableUntil" : "2024-11-20T10:00:00.000Z",
          "editsRemaining" : "4",
          "isEditEligible" : true
        }
      }
    }
  },
  {
    "tweet" : {
      "id_str" : "1850000000000092000",
      "id" : "1850000000000092000",
      "created_at" : "Tue Nov 19 09:00:00 +0000 2024",
      "full_text" : "RT @someone_else: A thread about the history of the semicolon, and why programmers love and fear it in equal meas…",
      "lang" : "en",
      "favorite_count" : "0",
      "retweet_count" : "40",
      "retweeted" : false,
      "truncated" : false,
      "display_text_range" : [
        "0",
        "140"
      ],
      "entities" : {
        "hashtags" : [],
        "symbols" : [],
        "user_mentions" : [
          {
            "screen_name" : "someone_else",
            "name" : "S",
            "id_str" : "42",
            "id" : "42",
            "indices" : [
              "3",
              "16"
            ]
          }
        ],
        "urls" : []
      }
    }
  },
  {
    "tweet" : {
      "id_str" : "1850000000000091000",
      "id" : "1850000000000091000",
      "created_at" : "Mon Nov 18 09:00:00 +0000 2024",
      "full_text" : "@sample_writer The trick is to write the index by hand: the act of filing is when you notice connections.",
      "lang" : "en",
      "in_reply_to_status_id_str" : "1850000000000090000",
      "in_reply_to_status_id" : "1850000000000090000",
      "in_reply_to_user_id_str" : "1000000001",
      "in_reply_to_user_id" : "1000000001",
      "in_reply_to_screen_name" : "sample_writer",
      "favorite_count" : "3",
      "retweet_count" : "0",
      "retweeted" : false,
      "truncated" : false,
      "display_text_range" : [
        "15",
        "104"
      ],
      "entities" : {
        "hashtags" : [],
        "symbols" : [],
        "user_mentions" : [
          {
            "screen_name" : "sample_writer",
            "name" : "Sample",
            "id_str" : "1000000001",
            "id" : "1000000001",
            "indices" : [
              "0",
              "14"
            ]
          }
        ],
        "urls" : []
      }
    }
  },
  {
    "tweet" : {
      "id_str" : "1850000000000090000",
      "id" : "1850000000000090000",
      "created_at" : "Sun Nov 17 09:00:00 +0000 2024",
      "full_text" : "Wrote up how I keep a commonplace book in plain text &amp; Markdown https://t.co/AbCdEf1234",
      "lang" : "en",
      "favorite_count" : "12",
      "retweet_count" : "2",
      "retweeted" : false,
      "truncated" : false,
      "display_text_range" : [
        "0",
        "89"
      ],
      "entities" : {
        "hashtags" : [],
        "symbols" : [],
        "user_mentions" : [],
        "urls" : [
          {
            "url" : "https://t.co/AbCdEf1234",
            "expanded_url" : "https://example.org/commonplace-book",
            "display_url" : "example.org/commonplace-book",
            "indices" : [
              "66",
              "89"
            ]
          }
        ]
      }
    }
  },
  {
    "tweet" : {
      "id_str" : "1850000000000019000",
      "id" : "1850000000000019000",
      "created_at" : "Sat Dec 17 14:00:00 +0000 2022",
      "full_text" : "Logs are letters to your future self at 3am. Write them kindly.",
      "lang" : "en",
      "favorite_count" : "5",
      "retweet_count" : "1",
      "retweeted" : false,
      "truncated" : false,
      "display_text_range" : [
        "0",
        "63"
      ],
      "entities" : {
        "hashtags" : [],
        "symbols" : [],
        "user_mentions" : [],
        "urls" : []
      },
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "1850000000000019000"
          ],
          "editableUntil" : "2024-01-01T00:00:00.000Z",
          "editsRemaining" : "5",
          "isEditEligible" : false
        }
      }
    }
  },
  {
    "tweet" : {
      "id_str" : "1850000000000018000",
      "id" : "1850000000000018000",
      "created_at" : "Mon Jan 23 15:00:00 +0000 2023",
      "full_text" : "Spent the weekend fixing the bike. Learned more about patience than about derailleurs.",
      "lang" : "en",
      "favorite_count" : "4",
      "retweet_count" : "0",
      "retweeted" : false,
      "truncated" : false,
      "display_text_range" : [
        "0",
        "86"
      ],
      "entities" : {
        "hashtags" : [],
        "symbols" : [],
        "user_mentions" : [],
        "urls" : []
      },
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "1850000000000018000"
          ],
          "editableUntil" : "2024-01-01T00:00:00.000Z",
          "editsRemaining" : "5",
          "isEditEligible" : false
        }
      }
    }
  },
  {
    "tweet" : {
      "id_str" : "1850000000000017000",
      "id" : "1850000000000017000",
      "created_at" : "Wed Mar 01 16:00:00 +0000 2023",
      "full_text" : "The best feedback I ever got on my writing: cut the first paragraph, the piece starts at the second.",
      "lang" : "en",
      "favorite_count" : "3",
      "retweet_count" : "2",
      "retweeted" : false,
      "truncated" : false,
      "display_text_range" : [
        "0",
        "100"
      ],
      "entities" : {
        "hashtags" : [],
        "symbols" : [],
        "user_mentions" : [],
        "urls" : []
      },
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "1850000000000017000"
          ],
          "editableUntil" : "2024-01-01T00:00:00.000Z",
          "editsRemaining" : "5",
          "isEditEligible" : false
        }
      }
    }
  },
  {
    "tweet" : {
      "id_str" : "1850000000000016000",
      "id" : "1850000000000016000",
      "created_at" : "Fri Apr 07 17:00:00 +0000 2023",
      "full_text" : "Rewriting a system from scratch feels fast for three months and slow for the next three years.",
      "lang" : "en",
      "favorite_count" : "2",
      "retweet_count" : "1",
      "retweeted" : false,
      "truncated" : false,
      "display_text_range" : [
        "0",
        "94"
      ],
      "entities" : {
        "hashtags" : [],
        "symbols" : [],
        "user_mentions" : [],
        "urls" : []
      },
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "1850000000000016000"
          ],
          "editableUntil" : "2024-01-01T00:00:00.000Z",
          "editsRemaining" : "5",
          "isEditEligible" : false
        }
      }
    }
  },
  {
    "tweet" : {
      "id_str" : "1850000000000015000",
      "id" : "1850000000000015000",
      "created_at" : "Sun May 14 18:00:00 +0000 2023",
      "full_text" : "Heute früh am See gelaufen: Nebel, Stille, und kein einziger Gedanke an E-Mails.",
      "lang" : "de",
      "favorite_count" : "1",
      "retweet_count" : "0",
      "retweeted" : false,
      "truncated" : false,
      "display_text_range" : [
        "0",
        "80"
      ],
      "entities" : {
        "hashtags" : [],
        "symbols" : [],
        "user_mentions" : [],
        "urls" : []
      },
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "1850000000000015000"
          ],
          "editableUntil" : "2024-01-01T00:00:00.000Z",
          "editsRemaining" : "5",
          "isEditEligible" : false
        }
      }
    }
  },
  {
    "tweet" : {
      "id_str" : "1850000000000014000",
      "id" : "1850000000000014000",
      "created_at" : "Tue Jun 20 19:00:00 +0000 2023",
      "full_text" : "Finished a novel in two sittings for the first time in years. Phones off, tea on.",
      "lang" : "en",
      "favorite_count" : "0",
      "retweet_count" : "2",
      "retweeted" : false,
      "truncated" : false,
      "display_text_range" : [
        "0",
        "81"
      ],
      "entities" : {
        "hashtags" : [],
        "symbols" : [],
        "user_mentions" : [],
        "urls" : []
      },
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "1850000000000014000"
          ],
          "editableUntil" : "2024-01-01T00:00:00.000Z",
          "editsRemaining" : "5",
          "isEditEligible" : false
        }
      }
    }
  },
  {
    "tweet" : {
      "id_str" : "1850000000000013000",
      "id" : "1850000000000013000",
      "created_at" : "Thu Jul 27 20:00:00 +0000 2023",
      "full_text" : "Caching is easy. Knowing when the cache is wrong is the whole job.",
      "lang" : "en",
      "favorite_count" : "6",
      "retweet_count" : "1",
      "retweeted" : false,
      "truncated" : false,
      "display_text_range" : [
        "0",
        "66"
      ],
      "entities" : {
        "hashtags" : [],
        "symbols" : [],
        "user_mentions" : [],
        "urls" : []
      },
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "1850000000000013000"
          ],
          "editableUntil" : "2024-01-01T00:00:00.000Z",
          "editsRemaining" : "5",
          "isEditEligible" : false
        }
      }
    }
  },
  {
    "tweet" : {
      "id_str" : "1850000000000012000",
      "id" : "1850000000000012000",
      "created_at" : "Sat Sep 02 21:00:00 +0000 2023",
      "full_text" : "A good error message says what happened, why, and what to do next. Most say none of the three.",
      "lang" : "en",
      "favorite_count" : "5",
      "retweet_count" : "0",
      "retweeted" : false,
      "truncated" : false,
      "display_text_range" : [
        "0",
        "94"
      ],
      "entities" : {
        "hashtags" : [],
        "symbols" : [],
        "user_mentions" : [],
        "urls" : []
      },
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "1850000000000012000"
          ],
          "editableUntil" : "2024-01-01T00:00:00.000Z",
          "editsRemaining" : "5",
          "isEditEligible" : false
        }
      }
    }
  },
  {
    "tweet" : {
      "id_str" : "1850000000000011000",
      "id" : "1850000000000011000",
      "created_at" : "Mon Oct 09 22:00:00 +0000 2023",
      "full_text" : "Went back to paper for planning my week. The friction is the feature.",
      "lang" : "en",
      "favorite_count" : "4",
      "retweet_count" : "2",
      "retweeted" : false,
      "truncated" : false,
      "display_text_range" : [
        "0",
        "69"
      ],
      "entities" : {
        "hashtags" : [],
        "symbols" : [],
        "user_mentions" : [],
        "urls" : []
      },
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "1850000000000011000"
          ],
          "editableUntil" : "2024-01-01T00:00:00.000Z",
          "editsRemaining" : "5",
          "isEditEligible" : false
        }
      }
    }
  },
  {
    "tweet" : {
      "id_str" : "1850000000000010000",
      "id" : "1850000000000010000",
      "created_at" : "Wed Nov 15 23:00:00 +0000 2023",
      "full_text" : "Naming things well is mostly about knowing who will read the name, and when.",
      "lang" : "en",
      "favorite_count" : "3",
      "retweet_count" : "1",
      "retweeted" : false,
      "truncated" : false,
      "display_text_range" : [
        "0",
        "76"
      ],
      "entities" : {
        "hashtags" : [],
        "symbols" : [],
        "user_mentions" : [],
        "urls" : []
      },
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "1850000000000010000"
          ],
          "editableUntil" : "2024-01-01T00:00:00.000Z",
          "editsRemaining" : "5",
          "isEditEligible" : false
        }
      }
    }
  },
  {
    "tweet" : {
      "id_str" : "1850000000000009000",
      "id" : "1850000000000009000",
      "created_at" : "Sat Dec 23 00:00:00 +0000 2023",
      "full_text" : "If a meeting has no written agenda, it is a conversation. Treat it like one and keep it short.",
      "lang" : "en",
      "favorite_count" : "2",
      "retweet_count" : "0",
      "retweeted" : false,
      "truncated" : false,
      "display_text_range" : [
        "0",
        "94"
      ],
      "entities" : {
        "hashtags" : [],
        "symbols" : [],
        "user_mentions" : [],
        "urls" : []
      },
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "1850000000000009000"
          ],
          "editableUntil" : "2024-01-01T00:00:00.000Z",
          "editsRemaining" : "5",
          "isEditEligible" : false
        }
      }
    }
  },
  {
    "tweet" : {
      "id_str" : "1850000000000008000",
      "id" : "1850000000000008000",
      "created_at" : "Mon Jan 29 01:00:00 +0000 2024",
      "full_text" : "Tomatoes from the balcony this year: small, ugly, and the best I've ever tasted.",
      "lang" : "en",
      "favorite_count" : "1",
      "retweet_count" : "2",
      "retweeted" : false,
      "truncated" : false,
      "display_text_range" : [
        "0",
        "80"
      ],
      "entities" : {
        "hashtags" : [],
        "symbols" : [],
        "user_mentions" : [],
        "urls" : []
      },
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "1850000000000008000"
          ],
          "editableUntil" : "2024-01-01T00:00:00.000Z",
          "editsRemaining" : "5",
          "isEditEligible" : false
        }
      }
    }
  },
  {
    "tweet" : {
      "id_str" : "1850000000000007000",
      "id" : "1850000000000007000",
      "created_at" : "Wed Mar 06 02:00:00 +0000 2024",
      "full_text" : "I keep a list of questions I can't answer yet. It is the most useful file on my laptop.",
      "lang" : "en",
      "favorite_count" : "0",
      "retweet_count" : "1",
      "retweeted" : false,
      "truncated" : false,
      "display_text_range" : [
        "0",
        "87"
      ],
      "entities" : {
        "hashtags" : [],
        "symbols" : [],
        "user_mentions" : [],
        "urls" : []
      },
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "1850000000000007000"
          ],
          "editableUntil" : "2024-01-01T00:00:00.000Z",
          "editsRemaining" : "5",
          "isEditEligible" : false
        }
      }
    }
  },
  {
    "tweet" : {
      "id_str" : "1850000000000006000",
      "id" : "1850000000000006000",
      "created_at" : "Fri Apr 12 03:00:00 +0000 2024",
      "full_text" : "Small pull requests get reviewed. Big ones get approved.",
      "lang" : "en",
      "favorite_count" : "6",
      "retweet_count" : "0",
      "retweeted" : false,
      "truncated" : false,
      "display_text_range" : [
        "0",
        "56"
      ],
      "entities" : {
        "hashtags" : [],
        "symbols" : [],
        "user_mentions" : [],
        "urls" : []
      },
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "1850000000000006000"
          ],
          "editableUntil" : "2024-01-01T00:00:00.000Z",
          "editsRemaining" : "5",
          "isEditEligible" : false
        }
      }
    }
  },
  {
    "tweet" : {
      "id_str" : "1850000000000005000",
      "id" : "1850000000000005000",
      "created_at" : "Sun May 19 04:00:00 +0000 2024",
      "full_text" : "The hardest part of writing documentation is deciding what the reader already knows.",
      "lang" : "en",
      "favorite_count" : "5",
      "retweet_count" : "2",
      "retweeted" : false,
      "truncated" : false,
      "display_text_range" : [
        "0",
        "84"
      ],
      "entities" : {
        "hashtags" : [],
        "symbols" : [],
        "user_mentions" : [],
        "urls" : []
      },
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "1850000000000005000"
          ],
          "editableUntil" : "2024-01-01T00:00:00.000Z",
          "editsRemaining" : "5",
          "isEditEligible" : false
        }
      }
    }
  },
  {
    "tweet" : {
      "id_str" : "1850000000000004000",
      "id" : "1850000000000004000",
      "created_at" : "Tue Jun 25 05:00:00 +0000 2024",
      "full_text" : "Reading old notebooks is humbling: I had the same idea three times and forgot it twice.",
      "lang" : "en",
      "favorite_count" : "4",
      "retweet_count" : "1",
      "retweeted" : false,
      "truncated" : false,
      "display_text_range" : [
        "0",
        "87"
      ],
      "entities" : {
        "hashtags" : [],
        "symbols" : [],
        "user_mentions" : [],
        "urls" : []
      },
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "1850000000000004000"
          ],
          "editableUntil" : "2024-01-01T00:00:00.000Z",
          "editsRemaining" : "5",
          "isEditEligible" : false
        }
      }
    }
  },
  {
    "tweet" : {
      "id_str" : "1850000000000003000",
      "id" : "1850000000000003000",
      "created_at" : "Thu Aug 01 06:00:00 +0000 2024",
      "full_text" : "Long runs are where my best ideas show up. Something about an hour of not looking at a screen.",
      "lang" : "en",
      "favorite_count" : "3",
      "retweet_count" : "0",
      "retweeted" : false,
      "truncated" : false,
      "display_text_range" : [
        "0",
        "94"
      ],
      "entities" : {
        "hashtags" : [],
        "symbols" : [],
        "user_mentions" : [],
        "urls" : []
      },
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "1850000000000003000"
          ],
          "editableUntil" : "2024-01-01T00:00:00.000Z",
          "editsRemaining" : "5",
          "isEditEligible" : false
        }
      }
    }
  },
  {
    "tweet" : {
      "id_str" : "1850000000000002000",
      "id" : "1850000000000002000",
      "created_at" : "Sat Sep 07 07:00:00 +0000 2024",
      "full_text" : "Sourdough lesson of the week: a slower, colder fermentation gives a much more open crumb.",
      "lang" : "en",
      "favorite_count" : "2",
      "retweet_count" : "2",
      "retweeted" : false,
      "truncated" : false,
      "display_text_range" : [
        "0",
        "89"
      ],
      "entities" : {
        "hashtags" : [],
        "symbols" : [],
        "user_mentions" : [],
        "urls" : []
      },
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "1850000000000002000"
          ],
          "editableUntil" : "2024-01-01T00:00:00.000Z",
          "editsRemaining" : "5",
          "isEditEligible" : false
        }
      }
    }
  },
  {
    "tweet" : {
      "id_str" : "1850000000000001000",
      "id" : "1850000000000001000",
      "created_at" : "Mon Oct 14 08:00:00 +0000 2024",
      "full_text" : "Every time I skip writing the test first I end up writing a worse API. The test is the first user.",
      "lang" : "en",
      "favorite_count" : "1",
      "retweet_count" : "1",
      "retweeted" : false,
      "truncated" : false,
      "display_text_range" : [
        "0",
        "98"
      ],
      "entities" : {
        "hashtags" : [],
        "symbols" : [],
        "user_mentions" : [],
        "urls" : []
      },
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "1850000000000001000"
          ],
          "editableUntil" : "2024-01-01T00:00:00.000Z",
          "editsRemaining" : "5",
          "isEditEligible" : false
        }
      }
    }
  },
  {
    "tweet" : {
      "id_str" : "1850000000000000000",
      "id" : "1850000000000000000",
      "created_at" : "Wed Nov 20 09:00:00 +0000 2024",
      "full_text" : "Static typing is less about catching bugs and more about making the code tell you what it expects.",
      "lang" : "en",
      "favorite_count" : "0",
      "retweet_count" : "0",
      "retweeted" : false,
      "truncated" : false,
      "display_text_range" : [
        "0",
        "98"
      ],
      "entities" : {
        "hashtags" : [],
        "symbols" : [],
        "user_mentions" : [],
        "urls" : []
      },
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "1850000000000000000"
          ],
          "editableUntil" : "2024-01-01T00:00:00.000Z",
          "editsRemaining" : "5",
          "isEditEligible" : false
        }
      }
    }
  }
]
