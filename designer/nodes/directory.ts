/** Names the nodes show for the ids they hold (people, teams, fields), provided by the page. */
import { type InjectionKey, inject } from 'vue';

export interface Directory {
  user(id: string): string;
  team(id: string): string;
  field(id: string): string;
}
export const DIRECTORY: InjectionKey<Directory> = Symbol('designer.directory');
const none: Directory = { user: (id) => id, team: (id) => id, field: (id) => id };
export const useDirectory = (): Directory => inject(DIRECTORY, none);
