{
  "targets": [
    {
      "target_name": "gourmetgram_jpeg",
      "sources": ["jpeg-decode.c", "centre-crop.c"],
      "libraries": ["-ljpeg", "-lm"],
      "cflags": ["-O3"]
    }
  ]
}
