import { createServer, type Server } from 'node:http';
import type { StreamMetrics } from './metrics';

export interface Health {
  /** The consume loop went round recently (liveness). */
  live(): boolean;
  /** Consuming with a model loaded, not shutting down (readiness). */
  ready(): boolean;
}

/** /healthz, /readyz and /metrics on one port (0: any free port, for tests). */
export function startServer(port: number, metrics: StreamMetrics, health: Health): Promise<Server> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/metrics') {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(metrics.render());
    } else if (path === '/healthz' || path === '/readyz') {
      const ok = path === '/healthz' ? health.live() : health.ready();
      res.writeHead(ok ? 200 : 503, { 'content-type': 'text/plain' }).end(ok ? 'ok\n' : 'not ready\n');
    } else res.writeHead(404).end();
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => resolve(server));
  });
}
