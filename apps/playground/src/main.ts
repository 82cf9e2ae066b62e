import './style.css';
import { readPageOptions } from './page-options.js';
import { Playground } from './playground.js';
import { installTestHook } from './test-hook.js';

declare const __SJD_EXAMPLE_CAPTIONS__: readonly string[];

const options = readPageOptions(location.search);
const playground = new Playground(document, options, __SJD_EXAMPLE_CAPTIONS__);
if (options.testHook) installTestHook(window, playground);
void playground.load(options.backend).catch(() => {
  // Shown in the page by the playground; nothing more to do here.
});
