/** Who is signed in, their permissions and language; the sign-in steps (password, TOTP, enrolment). */
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { api, get, tokens } from '../../kernel/api';
import { type Locale, setLocale } from '../i18n';

export interface Me {
  id: string;
  email: string;
  displayName: string;
  role: string;
  permissions: string[];
  mfaEnabled: boolean;
  mfaRequired: boolean;
  organization: { id: string; slug: string; name: string };
  locale: Locale;
  preferences: { notifications: Record<string, boolean>; outOfOfficeUntil: string | null };
}

type LoginAnswer =
  | { status: 'signed_in'; accessToken: string; refreshToken: string }
  | { status: 'mfa_required' | 'mfa_enrollment_required'; mfaToken: string };

export const useSession = defineStore('session', () => {
  const me = ref<Me | null>(null);
  const can = (p: string) => !!me.value?.permissions.includes(p);
  const isStaff = computed(() => can('incident.read'));

  async function load(): Promise<Me | null> {
    if (!tokens.access && !tokens.refresh) return null;
    try {
      me.value = await get<Me>('/me');
      setLocale(me.value.locale);
    } catch {
      me.value = null;
    }
    return me.value;
  }

  function accept(answer: { accessToken: string; refreshToken: string }) {
    tokens.set(answer.accessToken, answer.refreshToken);
    return load();
  }

  async function login(email: string, password: string): Promise<LoginAnswer> {
    const { data } = await api<LoginAnswer>('POST', '/auth/login', { email, password }, { anonymous: true });
    if (data.status === 'signed_in') await accept(data);
    return data;
  }

  async function verify(mfaToken: string, secret: { code?: string; recoveryCode?: string }) {
    const { data } = await api<{ accessToken: string; refreshToken: string }>(
      'POST',
      '/auth/mfa/verify',
      { mfaToken, ...secret },
      { anonymous: true },
    );
    await accept(data);
  }

  async function beginEnrolment(mfaToken: string) {
    return (
      await api<{ secret: string; otpauthUri: string; qrCodeDataUrl: string }>(
        'POST',
        '/auth/mfa/enrollment',
        { mfaToken },
        { anonymous: true },
      )
    ).data;
  }

  /** Finishes enrolment; returns the recovery codes (shown once) and signs in. */
  async function confirmEnrolment(mfaToken: string, code: string): Promise<string[]> {
    const { data } = await api<{ accessToken: string; refreshToken: string; recoveryCodes: string[] }>(
      'POST',
      '/auth/mfa/enrollment/confirm',
      { mfaToken, code },
      { anonymous: true },
    );
    tokens.set(data.accessToken, data.refreshToken);
    return data.recoveryCodes;
  }

  async function logout() {
    try {
      await api('POST', '/auth/logout', {});
    } catch {
      // already over
    }
    tokens.clear();
    me.value = null;
  }

  async function changeLocale(locale: Locale) {
    setLocale(locale);
    if (me.value) {
      me.value.locale = locale;
      await api('PATCH', '/me/preferences', { locale });
    }
  }

  return { me, can, isStaff, load, login, verify, beginEnrolment, confirmEnrolment, logout, changeLocale };
});
