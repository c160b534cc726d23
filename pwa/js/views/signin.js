// Signing in: the full screen when nobody is signed in, and a strip under the header when a
// login expires (mid-session too). The strip is part of the page, never a dialog: it does not
// cover or catch taps meant for the recording controls, and "Later" keeps it closed until the
// next sign-in (the badge keeps saying "Signed out · N waiting" and offers it again).
import { h, mount } from '../ui.js';

function describeError(err) {
  if (err.status === 0) return 'No connection. Signing in needs the network; recording does not.';
  if (err.status === 401) return 'Wrong username or password.';
  if (err.status === 429) return 'Too many attempts. Wait a few minutes and try again.';
  return err.message || 'Sign-in failed.';
}

/** A sign-in form; resolves onSuccess(user) after a good sign-in. */
function signInForm(app, { username = '', fixedUser = false, onSuccess }) {
  const error = h('p', { class: 'error', role: 'alert' });
  const user = h('input', { id: 'username', name: 'username', autocomplete: 'username', required: true, value: username, readOnly: fixedUser, autocapitalize: 'none', spellcheck: false });
  const pass = h('input', { id: 'password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const submit = h('button', { type: 'submit', class: 'btn big primary' }, 'Sign in');
  const form = h(
    'form',
    { class: 'signin', novalidate: true },
    h('label', { for: 'username' }, 'Username'),
    user,
    h('label', { for: 'password' }, 'Password'),
    pass,
    error,
    submit,
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.textContent = '';
    if (!user.value.trim() || !pass.value) {
      error.textContent = 'Enter your username and password.';
      return;
    }
    submit.disabled = true;
    submit.textContent = 'Signing in…';
    try {
      const answer = await app.api.signIn(user.value.trim(), pass.value);
      pass.value = '';
      await onSuccess(answer.user);
    } catch (err) {
      error.textContent = describeError(err);
      pass.select();
    } finally {
      submit.disabled = false;
      submit.textContent = 'Sign in';
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
      h('h1', {}, 'Sign in'),
      h('p', { class: 'hint' }, 'Record sessions with or without Wi-Fi. Your data is sent when there is a connection.'),
      form,
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
  const words = `${waiting} entr${waiting === 1 ? 'y waits' : 'ies wait'} on this device`;
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
  }, 'Later');
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
  }, 'Sign in');
  body.append(
    h('p', {}, h('strong', {}, 'Signed out. '), h('span', { class: 'strip-count' }), h('span', { class: 'strip-more' }, '; keep recording, they are sent once you sign in again'), '.'),
  );
  return h('div', { class: 'strip-inner' }, body, h('div', { class: 'strip-actions' }, open, later));
}
