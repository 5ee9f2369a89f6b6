/**
 * Prometheus metrics for `/metrics`, with prom-client on a registry of this server's own (so
 * several servers in one process — tests, the app's embedded server — do not collide).
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'driftdesk_process_' });
  const m = {
    registry,
    connections: new Gauge({ name: 'driftdesk_connections', help: 'Open websocket connections', registers: [registry] }),
    docsLoaded: new Gauge({ name: 'driftdesk_docs_loaded', help: 'Workspace docs held in memory', registers: [registry] }),
    messagesIn: new Counter({ name: 'driftdesk_messages_in_total', help: 'Websocket messages received', registers: [registry] }),
    bytesIn: new Counter({ name: 'driftdesk_bytes_in_total', help: 'Websocket bytes received', registers: [registry] }),
    messagesOut: new Counter({ name: 'driftdesk_messages_out_total', help: 'Websocket messages sent', registers: [registry] }),
    bytesOut: new Counter({ name: 'driftdesk_bytes_out_total', help: 'Websocket bytes sent', registers: [registry] }),
    persistSeconds: new Histogram({
      name: 'driftdesk_persist_seconds',
      help: 'Time to write one update to the store',
      buckets: [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5],
      registers: [registry],
    }),
    refused: new Counter({ name: 'driftdesk_refused_connections_total', help: 'Connections refused, by reason', labelNames: ['reason'], registers: [registry] }),
    closed: new Counter({ name: 'driftdesk_closed_connections_total', help: 'Connections closed by the server, by reason', labelNames: ['reason'], registers: [registry] }),
    denied: new Counter({ name: 'driftdesk_denied_updates_total', help: 'Document updates refused by role or limits', labelNames: ['reason'], registers: [registry] }),
  };
  return m;
}

export type Metrics = ReturnType<typeof createMetrics>;
