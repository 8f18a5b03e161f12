// The kernel's schemas (forms, flows) run in the browser too. The page's CSP forbids eval, so zod
// must not try its compiled fast path (the attempt alone logs a CSP violation): imported first.
import { config } from 'zod';

config({ jitless: true });
