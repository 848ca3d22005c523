"""The tuned Python peer `gourmetgram bench --peers` races: what a user would otherwise deploy.

torchvision's MobileNetV2 (the network our latency recipe serves; random weights, which do not change the
compute) behind FastAPI on uvicorn, one worker process per core, written as a tuned baseline rather than a
strawman: one intra-op thread per worker (workers, not threads, use the cores), torch.inference_mode, a
frozen TorchScript graph (Conv+BN folded) in channels-last, libjpeg-turbo decoding straight to a tensor
(torchvision.io.decode_jpeg), antialiased resize of the shorter side to 256, centre crop 224, normalisation,
softmax. POST /predict takes the photo's bytes as the body (as our server's /predict does) and answers JSON.

Run (scripts/peer/setup-python-peer.sh installs Debian's packages; use Debian's /usr/bin/python3):
  /usr/bin/python3 -m uvicorn torch_peer:app --app-dir scripts/peer --workers 2 --port 8502 \
    --loop uvloop --http httptools --no-access-log
"""

import os

import torch
import torchvision
import torchvision.transforms.functional as F
from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from torchvision.io import ImageReadMode, decode_jpeg

torch.set_num_threads(int(os.environ.get("PEER_THREADS", "1")))
torch.set_num_interop_threads(1)
torch.manual_seed(0)

SIZE = 224
SHORTER = 256
MEAN = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1) * 255
INV_STD = 1 / (torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1) * 255)


def build_model() -> torch.jit.ScriptModule:
    model = torchvision.models.mobilenet_v2(weights=None).eval()
    model = model.to(memory_format=torch.channels_last)
    example = torch.rand(1, 3, SIZE, SIZE).contiguous(memory_format=torch.channels_last)
    with torch.inference_mode():
        frozen = torch.jit.optimize_for_inference(torch.jit.script(model))
        for _ in range(3):
            frozen(example)
    return frozen


MODEL = build_model()
app = FastAPI()


def preprocess(body: bytes) -> torch.Tensor:
    data = torch.frombuffer(bytearray(body), dtype=torch.uint8)
    image = decode_jpeg(data, mode=ImageReadMode.RGB)
    image = F.resize(image, SHORTER, antialias=True)
    image = F.center_crop(image, [SIZE, SIZE])
    x = (image.unsqueeze(0).float() - MEAN) * INV_STD
    return x.contiguous(memory_format=torch.channels_last)


@app.get("/health")
def health() -> dict:
    return {"status": "ok", "pid": os.getpid()}


# A plain `async def`: the work is CPU-bound and each worker process serves one request at a time, so a
# thread-pool hop (what a sync handler gets) would only add a context switch.
@app.post("/predict")
async def predict(request: Request) -> Response:
    body = await request.body()
    try:
        x = preprocess(body)
    except RuntimeError as error:
        return JSONResponse({"error": f"cannot decode the photo: {error}"}, status_code=422)
    with torch.inference_mode():
        probabilities = MODEL(x).softmax(1)[0]
    top = int(probabilities.argmax())
    return JSONResponse({"class": top, "probability": float(probabilities[top])})
