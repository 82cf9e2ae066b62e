/**
 * A gRPC server and its typed client in one process (loopback, a free port): what `sjd serve`
 * runs, and what any caller of it does. Run: `node dist/server-and-client.js`.
 */
import { SjdClient } from '@sjd/client';
import { SjdGrpcServer } from '@sjd/grpc-server';

const server = new SjdGrpcServer(); // the shipped model, loaded after binding
const port = await server.listen({ host: '127.0.0.1', port: 0 });
await server.ready(); // health says SERVING from here on
const client = new SjdClient({ addresses: [`127.0.0.1:${port}`] });
try {
  const { models } = await client.listModels();
  console.log(`serving ${models.map((m) => m.name).join(', ')} on port ${port}`);
  for await (const event of client.generate({
    prompt: 'a large red circle in the centre',
    seed: 7,
  })) {
    if (event.type === 'generation-start')
      console.log(`${event.method} L=${event.window} ${event.init}`);
    if (event.type === 'image-done') {
      const s = event.statistics;
      console.log(
        `image ${event.image}: ${event.png.length} PNG bytes, ${s.tokens} tokens in ${s.steps} steps`,
      );
    }
  }
} finally {
  client.close();
  await server.shutdown();
}
