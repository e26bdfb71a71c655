// Sends log records to an OTLP/HTTP endpoint through the OpenTelemetry JS SDK
// and its official exporters, as an instrumented Node.js service would: the
// test client of tests/otlp_command_test.cc and bench/otlp_bench.sh.
//
//   node tests/otlp/send_logs.mjs --url http://127.0.0.1:4318/v1/logs \
//        --encoding json|proto --service ModernCRM --file lines.txt [--gzip] [--batch 100]
//
// One record per line of --file: body = the line, severity INFO, attributes
// app.line (the line's index, an int) and app.tag ("otlp-test"); the resource
// carries service.name and deployment.environment=test. Exits 1 when any
// export failed (after the SDK's own retries), 0 when all were accepted.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { LoggerProvider, BatchLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { OTLPLogExporter as JsonExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as ProtoExporter } from '@opentelemetry/exporter-logs-otlp-proto';

const { values: args } = parseArgs({
  options: {
    url: { type: 'string' },
    encoding: { type: 'string', default: 'json' },
    service: { type: 'string', default: 'unknown' },
    file: { type: 'string' },
    gzip: { type: 'boolean', default: false },
    batch: { type: 'string', default: '100' },
  },
});
const lines = readFileSync(args.file, 'utf8').split('\n').filter((l) => l.length > 0);

const Exporter = args.encoding === 'proto' ? ProtoExporter : JsonExporter;
const inner = new Exporter({ url: args.url, compression: args.gzip ? 'gzip' : 'none' });
let failures = 0;
// The exporter, counting the exports that failed.
const exporter = {
  export(records, done) {
    inner.export(records, (result) => {
      if (result.code !== 0) {
        failures += 1;
        console.error(`send_logs: export of ${records.length} records failed: ${result.error}`);
      }
      done(result);
    });
  },
  forceFlush: () => inner.forceFlush(),
  shutdown: () => inner.shutdown(),
};

const provider = new LoggerProvider({
  resource: resourceFromAttributes({
    'service.name': args.service,
    'deployment.environment': 'test',
  }),
  processors: [
    new BatchLogRecordProcessor({
      exporter,
      maxExportBatchSize: Number(args.batch),
      maxQueueSize: Math.max(lines.length, 1),
      scheduledDelayMillis: 20,
    }),
  ],
});
const logger = provider.getLogger('send_logs', '1.0.0');
lines.forEach((line, i) => {
  logger.emit({
    body: line,
    severityNumber: SeverityNumber.INFO,
    severityText: 'INFO',
    attributes: { 'app.line': i, 'app.tag': 'otlp-test' },
  });
});
await provider.forceFlush();
await provider.shutdown();
console.error(`send_logs: ${lines.length} records, ${failures} failed exports`);
process.exit(failures === 0 ? 0 : 1);
