"""Calls a running server through the official Huawei Cloud Python SDK with a generated license, prints the answer.

Run against a server started with `DLOCR_ACCESS_KEYS=demoAK:demoSK make serve`:
`.venv/bin/python -m benchmarks.sdk_demo --port 8080 --ak demoAK --sk demoSK`. The image is made up by
benchmarks.synth (same seed, same holder); the SDK signs the request with AK/SK as it does against Huawei Cloud.
"""

from __future__ import annotations

import argparse
import base64
import itertools
import json

from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkocr.v1 import DriverLicenseRequestBody, OcrClient, RecognizeDriverLicenseRequest

from benchmarks.labels import Label
from benchmarks.synth.generate import ImagePlan, make_image

DEMO_SEED = 2026
DEMO_TIER = "scan"


def main_page_image(seed: int) -> tuple[bytes, Label]:
    """The first generated main page (it shows the most fields) of the seed's scans: JPEG bytes and its label."""
    for index in itertools.count(1):
        image, label = make_image(ImagePlan(index=index, tier=DEMO_TIER, master_seed=seed))
        if label.side == "front":
            return image, label
    raise AssertionError("unreachable")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.sdk_demo", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--ak", default="demoAK")
    parser.add_argument("--sk", default="demoSK")
    parser.add_argument("--project-id", default="demo-project")
    parser.add_argument("--seed", type=int, default=DEMO_SEED)
    args = parser.parse_args(argv)

    image, label = main_page_image(args.seed)
    print(f"image: generated {DEMO_TIER} photo of a main page, {len(image)} bytes; the generator's truth:")
    print(json.dumps(label.result, ensure_ascii=False))

    credentials = BasicCredentials(args.ak, args.sk, args.project_id)
    client = (
        OcrClient.new_builder()
        .with_credentials(credentials)
        .with_endpoints([f"http://{args.host}:{args.port}"])
        .build()
    )
    body = DriverLicenseRequestBody(image=base64.b64encode(image).decode("ascii"), return_issuing_authority=True)
    try:
        response = client.recognize_driver_license(RecognizeDriverLicenseRequest(body=body))
    except ClientRequestException as error:
        print(f"error: HTTP {error.status_code} {error.error_code} {error.error_msg} (request {error.request_id})")
        return 1
    print(f"answer: HTTP {response.status_code}, X-Request-Id {response.x_request_id}")
    print(json.dumps(response.to_json_object(), ensure_ascii=False, indent=2))  # the body as sent, extensions too
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
