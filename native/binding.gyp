{
  "targets": [
    {
      "target_name": "gourmetgram_jpeg",
      "sources": ["jpeg-decode.c"],
      "libraries": ["-ljpeg"],
      "cflags": ["-O2"]
    }
  ]
}
