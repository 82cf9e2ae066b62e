"""Calls ListModels with one request header of the given size (bytes) and a deadline
(seconds); prints the status name and the seconds it took, e.g. `UNAVAILABLE 1.02`."""
import sys
import time

import grpc

address, size, deadline = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
channel = grpc.insecure_channel(address)
call = channel.unary_unary('/sjd.v1.GenerationService/ListModels')
started = time.monotonic()
try:
    call(b'', metadata=[('x-oversized', 'a' * size)], timeout=deadline)
    outcome = 'OK'
except grpc.RpcError as error:
    outcome = error.code().name
print(outcome, round(time.monotonic() - started, 2))
channel.close()
