import './zod-jitless';
import { createPinia } from 'pinia';
import { createApp } from 'vue';
import { createVuetify } from 'vuetify';
import { aliases, mdi } from 'vuetify/iconsets/mdi-svg';
import { en, id } from 'vuetify/locale';
import 'vuetify/styles';
import TicketCis from '../features/cmdb/components/TicketCis.vue';
import { TICKET_CI_CARD } from '../kernel/extensions';
import App from './App.vue';
import { i18n } from './i18n';
import { router } from './router';

const dark = localStorage.getItem('lintas.theme') === 'dark';
const vuetify = createVuetify({
  icons: { defaultSet: 'mdi', aliases, sets: { mdi } },
  // Vuetify's own texts (e.g. rating and pagination labels) follow the app's language (App.vue).
  locale: { locale: i18n.global.locale.value, fallback: 'en', messages: { en, id } },
  theme: {
    defaultTheme: dark ? 'dark' : 'light',
    themes: {
      // Colours and emphasis chosen for WCAG AA contrast (4.5:1) of text on them, checked by axe-core.
      light: {
        colors: {
          primary: '#1f5f8b',
          secondary: '#4a5a6a',
          error: '#b3261e',
          warning: '#8a5300',
          success: '#1e6b34',
          info: '#0b5f9e',
        },
        variables: { 'medium-emphasis-opacity': 0.72 },
      },
      dark: {
        dark: true,
        colors: { primary: '#8cc8f0', error: '#ffb4ab', warning: '#ffb95c', success: '#8fd8a0', info: '#9ccaff' },
        variables: { 'medium-emphasis-opacity': 0.78 },
      },
    },
  },
});

createApp(App)
  .use(createPinia())
  .use(router)
  .use(i18n)
  .use(vuetify)
  // The shell composes the features: the CMDB fills the ticket pages' CI card (kernel/extensions).
  .provide(TICKET_CI_CARD, TicketCis)
  .mount('#app');
