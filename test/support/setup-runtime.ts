// Quieter Temporal SDK logs in tests: warnings and errors only. Runtime.install works once per process.
import { DefaultLogger, Runtime } from '@temporalio/worker';

try {
  Runtime.install({ logger: new DefaultLogger('WARN') });
} catch {
  // already installed by an earlier test file in this worker process
}
