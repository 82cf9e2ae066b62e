#!/usr/bin/env python3
"""Stream one generation from an SJD gRPC server (`sjd serve`) and save the PNG(s).

Needs grpcio and protobuf (Debian: python3-grpcio, python3-protobuf) and protoc
(Debian: protobuf-compiler) to compile ../../proto into Python stubs on first run.

    python3 examples/python/sjd_client.py --address 127.0.0.1:50051 \\
        --prompt "a large red circle in the centre" --seed 7 --out circle.png

Exit status: 0 on success, 2 if the server rejected the request (INVALID_ARGUMENT,
NOT_FOUND: the message names the field), 1 for any other failure.
"""

import argparse
import subprocess
import sys
from pathlib import Path

import grpc

HERE = Path(__file__).resolve().parent
PROTO_DIR = HERE.parent.parent / "proto"
METHOD = "/sjd.v1.GenerationService/Generate"


def load_stubs(stubs_dir: Path):
    """Compiles sjd/v1/sjd.proto with protoc into stubs_dir (once) and imports it."""
    if not (stubs_dir / "sjd" / "v1" / "sjd_pb2.py").exists():
        stubs_dir.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["protoc", f"-I{PROTO_DIR}", f"--python_out={stubs_dir}", "sjd/v1/sjd.proto"],
            check=True,
        )
    sys.path.insert(0, str(stubs_dir))
    from sjd.v1 import sjd_pb2  # noqa: E402  (generated above)

    return sjd_pb2


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--address", default="127.0.0.1:50051", help="host:port of the server")
    p.add_argument("--prompt", required=True, help="the caption")
    p.add_argument("--model", default="", help="model name (default: the server's default)")
    p.add_argument("--seed", type=int, help="random seed (default: the server picks one)")
    p.add_argument("--images", type=int, default=1)
    p.add_argument("--method", choices=["ar", "jacobi", "sjd"], default="sjd")
    p.add_argument("--window", type=int, help="drafts verified per step (default 16)")
    p.add_argument(
        "--init",
        choices=["random", "horizontal", "vertical", "above-distribution", "context-frequency"],
        help="draft initialiser (default: the library's, above-distribution)",
    )
    p.add_argument("--temperature", type=float)
    p.add_argument("--top-k", type=int)
    p.add_argument("--top-p", type=float)
    p.add_argument("--cfg", type=float)
    p.add_argument("--timeout", type=float, default=120.0, help="deadline in seconds")
    p.add_argument("--out", default="sjd-output.png", help="PNG path (an index is added for several images)")
    p.add_argument("--stubs", default=str(HERE / "generated"), help="where the generated stubs live")
    return p.parse_args()


def build_request(pb, args):
    sampling = pb.SamplingSettings()
    for field, value in [("temperature", args.temperature), ("top_k", args.top_k), ("top_p", args.top_p), ("cfg_scale", args.cfg)]:
        if value is not None:
            setattr(sampling, field, value)
    decoding = pb.DecodingSettings(
        method=getattr(pb, f"DECODING_METHOD_{args.method.upper()}"),
        init=getattr(pb, "DRAFT_INIT_" + args.init.upper().replace("-", "_")) if args.init else pb.DRAFT_INIT_UNSPECIFIED,
    )
    if args.window is not None:
        decoding.window = args.window
    request = pb.GenerateRequest(model=args.model, prompt=args.prompt, images=args.images, sampling=sampling, decoding=decoding)
    if args.seed is not None:
        request.seed = args.seed
    return request


def output_path(out: str, image: int, images: int) -> Path:
    path = Path(out)
    return path if images == 1 else path.with_name(f"{path.stem}-{image}{path.suffix}")


def main() -> int:
    args = parse_args()
    pb = load_stubs(Path(args.stubs))
    with grpc.insecure_channel(args.address) as channel:
        # A generic stub: only the messages are generated, no grpc_tools needed.
        generate = channel.unary_stream(
            METHOD,
            request_serializer=pb.GenerateRequest.SerializeToString,
            response_deserializer=pb.GenerateResponse.FromString,
        )
        blocks = 0
        try:
            for response in generate(build_request(pb, args), timeout=args.timeout):
                event = response.WhichOneof("event")
                if event == "start":
                    s = response.start
                    print(f"model {s.model}, seed {s.seed}, {s.grid_width}x{s.grid_height} tokens, {s.images} image(s)")
                elif event == "token_block":
                    blocks += 1
                elif event == "image":
                    path = output_path(args.out, response.image.image, args.images)
                    path.parent.mkdir(parents=True, exist_ok=True)
                    path.write_bytes(response.image.png)
                    print(f"image {response.image.image}: {len(response.image.tokens)} tokens -> {path}")
                elif event == "summary":
                    st = response.summary.statistics
                    print(
                        f"done: {st.tokens} tokens in {st.steps} steps ({blocks} blocks streamed), "
                        f"step compression {st.step_compression:.2f}x, {response.summary.timings.total_ms:.0f} ms"
                    )
        except grpc.RpcError as error:
            trailers = dict(error.trailing_metadata() or ())
            field = trailers.get("sjd-field")
            print(f"sjd: {error.code().name}: {error.details()}" + (f" (field {field})" if field else ""), file=sys.stderr)
            return 2 if error.code() in (grpc.StatusCode.INVALID_ARGUMENT, grpc.StatusCode.NOT_FOUND) else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
