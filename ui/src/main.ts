import { createPinia } from 'pinia';
import { createApp } from 'vue';
import { createVuetify } from 'vuetify';
import { aliases, mdi } from 'vuetify/iconsets/mdi-svg';
import 'vuetify/styles';
import App from './App.vue';
import { i18n } from './i18n';
import { router } from './router';

const dark = localStorage.getItem('lintas.theme') === 'dark';
const vuetify = createVuetify({
  icons: { defaultSet: 'mdi', aliases, sets: { mdi } },
  theme: {
    defaultTheme: dark ? 'dark' : 'light',
    themes: {
      light: {
        colors: { primary: '#1f5f8b', secondary: '#4a5a6a', error: '#b3261e', warning: '#8a5300', success: '#1e6b34' },
      },
      dark: { dark: true, colors: { primary: '#8cc8f0', error: '#ffb4ab', warning: '#ffb95c', success: '#8fd8a0' } },
    },
  },
});

createApp(App).use(createPinia()).use(router).use(i18n).use(vuetify).mount('#app');
