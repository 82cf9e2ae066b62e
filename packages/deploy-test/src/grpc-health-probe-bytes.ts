/**
 * The bytes of one `grpc.health.v1.Health/Check` call (empty service name) on a fresh
 * cleartext HTTP/2 connection: the client preface, an empty SETTINGS frame, a HEADERS frame
 * (HPACK, literals without indexing) and a DATA frame holding the empty request, which ends
 * the stream. HAProxy's `tcp-check send-binary` sends them, and `expect binary` looks for
 * {@link SERVING_RESPONSE_HEX} in the answer: a real gRPC health check, which HAProxy's
 * `http-check` cannot send (its body is text, and a gRPC message starts with zero bytes).
 */
export function grpcHealthCheckRequestHex(authority = 'sjd'): string {
  const headers = Buffer.concat([
    Buffer.from([0x83, 0x86]), // :method POST, :scheme http (static table 3 and 6)
    literal(0x04, '/grpc.health.v1.Health/Check'), // :path (static name 4)
    literal(0x01, authority), // :authority (static name 1)
    Buffer.from([0x0f, 0x10]), // content-type (static name 31, 4-bit prefix: 15 + 16)
    text('application/grpc'),
    Buffer.from([0x00]), // te: a new name
    text('te'),
    text('trailers'),
  ]);
  return Buffer.concat([
    Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1'),
    frame(0x4, 0, 0, Buffer.alloc(0)), // SETTINGS
    frame(0x1, 0x4, 1, headers), // HEADERS, END_HEADERS
    frame(0x0, 0x1, 1, Buffer.alloc(5)), // DATA, END_STREAM: uncompressed, length 0
  ]).toString('hex');
}

/** A gRPC message holding `HealthCheckResponse { status: SERVING }` (field 1 = 1). */
export const SERVING_RESPONSE_HEX = '00000000020801';

function literal(nameIndex: number, value: string): Buffer {
  return Buffer.concat([Buffer.from([nameIndex]), text(value)]);
}

/** An HPACK string without Huffman coding (all ours are under 127 bytes). */
function text(value: string): Buffer {
  if (value.length > 126) throw new RangeError(`HPACK literal too long: ${value}`);
  return Buffer.concat([Buffer.from([value.length]), Buffer.from(value, 'latin1')]);
}

function frame(type: number, flags: number, stream: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(9);
  header.writeUIntBE(payload.length, 0, 3);
  header[3] = type;
  header[4] = flags;
  header.writeUInt32BE(stream, 5);
  return Buffer.concat([header, payload]);
}
