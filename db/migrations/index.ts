import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261201230000 } from './Migration20261201230000.js';
import { Migration20261202050000 } from './Migration20261202050000.js';
import { Migration20261202060000 } from './Migration20261202060000.js';
import { Migration20261202070000 } from './Migration20261202070000.js';
import { Migration20261202080000 } from './Migration20261202080000.js';
import { Migration20261202090000 } from './Migration20261202090000.js';
import { Migration20261202100000 } from './Migration20261202100000.js';
import { Migration20261203000000 } from './Migration20261203000000.js';
import { Migration20261124153040 } from './Migration20261124153040.js';
import { Migration20261124165159 } from './Migration20261124165159.js';
import { Migration20261124185553 } from './Migration20261124185553.js';
import { Migration20261124194522 } from './Migration20261124194522.js';
import { Migration20261124200636 } from './Migration20261124200636.js';
import { Migration20261124202202 } from './Migration20261124202202.js';
import { Migration20261124210034 } from './Migration20261124210034.js';
import { Migration20261124222106 } from './Migration20261124222106.js';
import { Migration20261124232958 } from './Migration20261124232958.js';
import { Migration20261201214706 } from './Migration20261201214706.js';
import { Migration20261201220718 } from './Migration20261201220718.js';
import { Migration20261203133153 } from './Migration20261203133153.js';
import { Migration20261203143000 } from './Migration20261203143000.js';

/** Every committed migration, in order. New ones are appended by `npm run migration:create`. */
export const MIGRATIONS: MigrationObject[] = [
  { name: 'Migration20261124153040', class: Migration20261124153040 },
  { name: 'Migration20261124165159', class: Migration20261124165159 },
  { name: 'Migration20261124185553', class: Migration20261124185553 },
  { name: 'Migration20261124194522', class: Migration20261124194522 },
  { name: 'Migration20261124200636', class: Migration20261124200636 },
  { name: 'Migration20261124202202', class: Migration20261124202202 },
  { name: 'Migration20261124210034', class: Migration20261124210034 },
  { name: 'Migration20261124222106', class: Migration20261124222106 },
  { name: 'Migration20261124232958', class: Migration20261124232958 },
  { name: 'Migration20261201214706', class: Migration20261201214706 },
  { name: 'Migration20261201220718', class: Migration20261201220718 },
  { name: 'Migration20261201230000', class: Migration20261201230000 },
  { name: 'Migration20261202050000', class: Migration20261202050000 },
  { name: 'Migration20261202060000', class: Migration20261202060000 },
  { name: 'Migration20261202070000', class: Migration20261202070000 },
  { name: 'Migration20261202080000', class: Migration20261202080000 },
  { name: 'Migration20261202090000', class: Migration20261202090000 },
  { name: 'Migration20261202100000', class: Migration20261202100000 },
  { name: 'Migration20261203000000', class: Migration20261203000000 },
  { name: 'Migration20261203133153', class: Migration20261203133153 },
  { name: 'Migration20261203143000', class: Migration20261203143000 },
];
