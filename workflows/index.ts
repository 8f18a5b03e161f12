export { incidentWorkflow } from './incident/workflow.js';
