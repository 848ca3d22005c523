#!/bin/sh
# Sets up the tuned Python peer that `gourmetgram bench --peers` races: Debian's own packages (PyTorch,
# torchvision, FastAPI, uvicorn), nothing pip-installed and nothing committed. Run as root on Debian bookworm.
# The peer runs with /usr/bin/python3 (Debian's interpreter), which sees these packages; a pyenv or venv
# python3 earlier on PATH would not.
set -eu
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends \
  python3-torch python3-torchvision python3-fastapi python3-uvicorn python3-uvloop python3-httptools \
  python3-pil python3-numpy
/usr/bin/python3 -c 'import torch, torchvision, fastapi, uvicorn, uvloop, httptools; print("peer ready: torch", torch.__version__, "torchvision", torchvision.__version__)'
