/** Every string the app shows, in English and Bahasa Indonesia (the texts are in locales/). */
import { createI18n } from 'vue-i18n';
import { deskEn } from '../features/incident/locales/en';
import { deskId } from '../features/incident/locales/id';
import { requestEn } from '../features/request/locales/en';
import { requestId } from '../features/request/locales/id';
import { cmdbEn } from '../features/cmdb/locales/en';
import { cmdbId } from '../features/cmdb/locales/id';
import { designerEn } from '../../../designer/locales/en';
import { designerId } from '../../../designer/locales/id';
import { en } from './locales/en';
import { id } from './locales/id';

export { PERMISSIONS_ID } from './locales/id';

export type Locale = 'en' | 'id';

export const i18n = createI18n({
  legacy: false,
  locale:
    (localStorage.getItem('lintas.locale') as Locale | null) ?? (navigator.language.startsWith('id') ? 'id' : 'en'),
  fallbackLocale: 'en',
  messages: {
    en: { ...en, ...deskEn, ...requestEn, ...designerEn, ...cmdbEn },
    id: { ...id, ...deskId, ...requestId, ...designerId, ...cmdbId },
  },
});

export function setLocale(locale: Locale) {
  i18n.global.locale.value = locale;
  localStorage.setItem('lintas.locale', locale);
  document.documentElement.lang = locale;
}
