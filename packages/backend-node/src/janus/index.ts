export { isJanusFolder, type JanusLoadOptions, loadJanusModel } from './load-janus-model.js';
