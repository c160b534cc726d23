// Signing in: the full screen when nobody is signed in, and a dialog when a login expires
// mid-session (the screen and everything recorded stay where they are).
import { h, mount, openDialog } from '../ui.js';

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

/** Resolves with the user after signing in again, or undefined if dismissed. */
export function reauthDialog(app) {
  return openDialog('Sign in again', (close) => {
    const { form, focus } = signInForm(app, {
      username: app.user?.username ?? '',
      fixedUser: true,
      onSuccess: (user) => close(user),
    });
    requestAnimationFrame(focus);
    return [
      h('p', {}, 'Your sign-in has expired. Nothing you recorded is lost: it is kept on this device and sent once you sign in.'),
      form,
      h('div', { class: 'actions' }, h('button', { type: 'button', class: 'btn', onclick: () => close(undefined) }, 'Later')),
    ];
  });
}
