// Signing in: the full screen when nobody is signed in, and a strip under the header when a
// login expires (mid-session too). The strip is part of the page, never a dialog: it does not
// cover or catch taps meant for the recording controls, and "Later" keeps it closed until the
// next sign-in (the badge keeps saying "Signed out · N waiting" and offers it again).
import { t } from '../i18n.js';
import { h, mount } from '../ui.js';
import { languagePicker } from './language.js';

function describeError(err) {
  if (err.status === 0) return t('signin.offline');
  if (err.status === 401) return t('signin.wrong');
  if (err.status === 429) return t('signin.too_many');
  return err.message || t('signin.failed');
}

/** A sign-in form; resolves onSuccess(user) after a good sign-in. */
function signInForm(app, { username = '', fixedUser = false, onSuccess }) {
  const error = h('p', { class: 'error', role: 'alert' });
  const user = h('input', { id: 'username', name: 'username', autocomplete: 'username', required: true, value: username, readOnly: fixedUser, autocapitalize: 'none', spellcheck: false });
  const pass = h('input', { id: 'password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const submit = h('button', { type: 'submit', class: 'btn big primary' }, t('signin.submit'));
  const form = h(
    'form',
    { class: 'signin', novalidate: true },
    h('label', { for: 'username' }, t('signin.username')),
    user,
    h('label', { for: 'password' }, t('signin.password')),
    pass,
    error,
    submit,
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.textContent = '';
    if (!user.value.trim() || !pass.value) {
      error.textContent = t('signin.enter_both');
      return;
    }
    submit.disabled = true;
    submit.textContent = t('signin.signing_in');
    try {
      const answer = await app.api.signIn(user.value.trim(), pass.value);
      pass.value = '';
      await onSuccess(answer.user);
    } catch (err) {
      error.textContent = describeError(err);
      pass.select();
    } finally {
      submit.disabled = false;
      submit.textContent = t('signin.submit');
    }
  });
  return { form, focus: () => (fixedUser || user.value ? pass : user).focus() };
}

export function renderSignIn(app) {
  if (app.user) return app.go('#/');
  const { form, focus } = signInForm(app, {
    onSuccess: async (user) => {
      await app.signedIn(user);
      app.go('#/');
    },
  });
  mount(
    h(
      'section',
      { class: 'panel narrow' },
      h('h1', {}, t('signin.title')),
      h('p', { class: 'hint' }, t('signin.intro')),
      form,
      languagePicker(app),
    ),
  );
  focus();
}

/**
 * Show, update or hide the sign-in-again strip from the app's state: `app.signedOut` (a 401
 * was seen), `app.reauthLater` (the user chose Later) and the sync engine's waiting count.
 * @param {{form?: boolean}} [o] form: open the password field (the user asked to sign in)
 */
export function renderSignInStrip(app, { form = false } = {}) {
  const strip = document.getElementById('signin-strip');
  // Called on every tap (with each sync status): touch the page only when something changed.
  if (!app.signedOut || !app.user) {
    if (strip.firstChild) strip.replaceChildren();
    strip.hidden = true;
    return;
  }
  if (form) app.reauthLater = false;
  if (strip.hidden !== app.reauthLater) strip.hidden = app.reauthLater;
  if (app.reauthLater) return;
  if (!strip.firstChild) strip.append(buildStrip(app));
  const waiting = app.sync?.status().pending ?? 0;
  const count = strip.querySelector('.strip-count');
  const words = t('strip.waiting', { n: waiting });
  if (count.textContent !== words) count.textContent = words;
  if (form) strip.querySelector('.strip-open').click();
}

function buildStrip(app) {
  const body = h('div', { class: 'strip-body' });
  const later = h('button', {
    type: 'button',
    class: 'btn small',
    onclick: () => {
      app.reauthLater = true;
      renderSignInStrip(app);
    },
  }, t('strip.later'));
  const open = h('button', {
    type: 'button',
    class: 'btn small primary strip-open',
    onclick: () => {
      const { form, focus } = signInForm(app, {
        username: app.user?.username ?? '',
        fixedUser: true,
        onSuccess: (user) => app.reauthenticated(user),
      });
      form.classList.add('strip-form');
      body.replaceChildren(form);
      open.hidden = true;
      focus();
    },
  }, t('signin.submit'));
  body.append(
    h('p', {}, h('strong', {}, `${t('strip.signed_out')} `), h('span', { class: 'strip-count' }), h('span', { class: 'strip-more' }, t('strip.more')), '.'),
  );
  return h('div', { class: 'strip-inner' }, body, h('div', { class: 'strip-actions' }, open, later));
}
