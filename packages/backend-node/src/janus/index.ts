export { janusNodeFamily, NodeJanusModel } from './janus-node-family.js';
export { isJanusFolder, type JanusLoadOptions, loadJanusModel } from './load-janus-model.js';
