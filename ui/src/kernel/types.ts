/**
 * The API's shapes as the web app uses them: generated from the served OpenAPI document
 * (generated/api-types.ts, checked by test/api/contract.test.ts), never retyped by hand.
 */
import type * as Api from './generated/api-types';

export type Incident = Api.Incident;
export type IncidentPage = Api.IncidentPage;
export type TimelineEntry = Api.TimelineEntry;
/** Someone in the organization's directory (GET /users). */
export type Person = Api.DirectoryUser;
/** A team of the directory (GET /teams). */
export type Team = Api.DirectoryTeam;
export type ServiceRequest = Api.ServiceRequest;
export type RequestPage = Api.RequestPage;
export type CatalogItem = Api.CatalogItem;
export type PortalCatalog = Api.PortalCatalog;
export type CatalogCategory = Api.CatalogCategory;
export type FieldSet = Api.FieldSet;
export type ApprovalRow = Api.ApprovalRow;
export type TaskRow = Api.TaskRow;
export type ApprovalLinkInfo = Api.LinkInfo;
export type VoteAnswer = Api.VoteAnswer;
export type RequestFlow = Api.RequestFlow;
export type CiClass = Api.CiClass;
export type ConfigurationItem = Api.ConfigurationItem;
export type CiRelation = Api.CiRelation;
export type RedundancyGroup = Api.RedundancyGroup;
export type Impact = Api.Impact;
export type CmdbHealth = Api.CmdbHealth;
export type CiTickets = Api.CiTickets;
export type SavedView = Api.SavedView;
export type CiSource = Api.CiSource;
