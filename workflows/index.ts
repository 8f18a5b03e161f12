export { incidentWorkflow } from './incident.js';
