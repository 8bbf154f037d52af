// Worker entry in plain JavaScript: on Node 20 a worker does not inherit the tsx loader that
// --import installed in the main thread, so it registers its own before loading TypeScript.
import { register } from 'tsx/esm/api';

register();
await import('./contender.ts');
