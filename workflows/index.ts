export { incidentWorkflow } from './incident/workflow.js';
export { requestWorkflow } from './request/workflow.js';
export { ciRemindersWorkflow } from './cmdb/reminders.js';
