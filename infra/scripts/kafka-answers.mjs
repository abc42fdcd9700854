// kafka-answers.mjs HOST:PORT — exits 0 when a Kafka broker answers there, 1 otherwise.
// An open port is not enough: any other program on it would pass for "Kafka already up", and the
// tests would then fail in the Kafka client far from the cause. So this sends the request every
// client sends first (ApiVersions v0) and checks the answer's correlation id and error code.
// By hand, not through the project's Kafka client (shared/kafka.ts describeCluster): loading the
// client took ~0.5 s per poll against 0.09 s, and it waited 30 s on an HTTP server's answer.
import { connect } from 'node:net';

const [host, port] = (process.argv[2] ?? '127.0.0.1:19092').split(':');
const CORRELATION_ID = 0x5e471e1;
const clientId = Buffer.from('kafka-answers');
// Request header v1: api key 18 (ApiVersions), version 0, correlation id, client id (int16 length + bytes); no body.
const request = Buffer.alloc(4 + 2 + 2 + 4 + 2 + clientId.length);
request.writeInt32BE(request.length - 4, 0);
request.writeInt16BE(18, 4);
request.writeInt16BE(0, 6);
request.writeInt32BE(CORRELATION_ID, 8);
request.writeInt16BE(clientId.length, 12);
clientId.copy(request, 14);

const socket = connect({ host, port: Number(port) });
const verdict = (ok) => {
  socket.destroy();
  process.exit(ok ? 0 : 1);
};
setTimeout(() => verdict(false), 2000).unref();
let answer = Buffer.alloc(0);
socket.on('connect', () => socket.write(request));
socket.on('data', (chunk) => {
  answer = Buffer.concat([answer, chunk]);
  // Response: size, correlation id, error code (0: the broker knows the request).
  if (answer.length >= 10) verdict(answer.readInt32BE(4) === CORRELATION_ID && answer.readInt16BE(8) === 0);
});
socket.on('error', () => verdict(false));
socket.on('close', () => verdict(false));
