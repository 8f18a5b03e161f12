/** The icons catalog items and categories can use (by their Material Design name), a small set. */
import {
  mdiAccountPlus,
  mdiApplication,
  mdiCellphone,
  mdiDatabase,
  mdiEmail,
  mdiHeadset,
  mdiKey,
  mdiLaptop,
  mdiMonitor,
  mdiPrinter,
  mdiServer,
  mdiShapeOutline,
  mdiShieldKey,
  mdiSofa,
  mdiWifi,
} from '@mdi/js';

export const ICONS: Record<string, string> = {
  'mdi-laptop': mdiLaptop,
  'mdi-monitor': mdiMonitor,
  'mdi-cellphone': mdiCellphone,
  'mdi-printer': mdiPrinter,
  'mdi-headset': mdiHeadset,
  'mdi-key': mdiKey,
  'mdi-shield-key': mdiShieldKey,
  'mdi-wifi': mdiWifi,
  'mdi-email': mdiEmail,
  'mdi-application': mdiApplication,
  'mdi-database': mdiDatabase,
  'mdi-server': mdiServer,
  'mdi-account-plus': mdiAccountPlus,
  'mdi-sofa': mdiSofa,
};

export const iconOf = (name: string | null | undefined): string => (name && ICONS[name]) || mdiShapeOutline;
