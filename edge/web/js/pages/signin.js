// Sign in and Create account (one form, two modes: #/signin and #/register).

import { ApiError, api, describeError, session } from '../api.js';
import { el } from '../dom.js';

const TEXT = {
  signin: {
    heading: 'Sign in to PingCRM',
    submit: 'Sign in',
    busy: 'Signing in…',
    switchText: 'New to PingCRM?',
    switchLink: 'Create an account',
    switchTo: '/register',
  },
  register: {
    heading: 'Create your PingCRM account',
    submit: 'Create account',
    busy: 'Creating account…',
    switchText: 'Already have an account?',
    switchLink: 'Sign in',
    switchTo: '/signin',
  },
};

function authError(error, mode) {
  if (error instanceof ApiError) {
    if (error.code === 'invalid_credentials' || (mode === 'signin' && error.status === 401)) {
      return 'Wrong email or password.';
    }
    if (error.code === 'email_taken' || (mode === 'register' && error.status === 409)) {
      return 'An account with this email already exists. Sign in instead.';
    }
    if (error.code === 'registration_disabled') {
      return 'Registration is switched off on this server. Ask its administrator for an account.';
    }
  }
  return describeError(error);
}

export function render(container, ctx) {
  const mode = ctx.mode === 'register' ? 'register' : 'signin';
  const text = TEXT[mode];
  const flash = ctx.takeFlash();

  const email = el('input', {
    id: 'auth-email', name: 'email', type: 'email', autocomplete: 'email', required: true, spellcheck: 'false',
  });
  const password = el('input', {
    id: 'auth-password',
    name: 'password',
    type: 'password',
    required: true,
    autocomplete: mode === 'register' ? 'new-password' : 'current-password',
    minlength: mode === 'register' ? '10' : null,
    'aria-describedby': mode === 'register' ? 'password-hint' : null,
  });
  const error = el('p', { id: 'auth-error', className: 'error', role: 'alert', hidden: true });
  const submit = el('button', { id: 'auth-submit', type: 'submit' }, text.submit);

  function showError(message) {
    error.textContent = message ?? '';
    error.hidden = !message;
  }

  async function onSubmit(event) {
    event.preventDefault();
    showError(null);
    const credentials = { email: email.value.trim(), password: password.value };
    if (!credentials.email || !credentials.password) {
      showError('Enter your email and password.');
      return;
    }
    submit.disabled = true;
    submit.textContent = text.busy;
    try {
      if (mode === 'register') {
        await api('/api/v1/auth/register', { method: 'POST', body: credentials, auth: false });
      }
      const login = await api('/api/v1/auth/login', { method: 'POST', body: credentials, auth: false });
      session.set({ token: login.access_token, expiresIn: login.expires_in, email: credentials.email.toLowerCase() });
      ctx.signedIn();
    } catch (err) {
      showError(authError(err, mode));
      submit.disabled = false;
      submit.textContent = text.submit;
    }
  }

  const form = el(
    'form',
    { className: 'card', novalidate: true, 'aria-labelledby': 'auth-heading', onSubmit },
    el('h1', { id: 'auth-heading' }, text.heading),
    el('p', { className: 'muted' }, mode === 'register' ? 'Keep your LinkedIn conversations in one place.' : 'Welcome back.'),
    flash ? el('p', { className: 'notice', role: 'status' }, flash) : null,
    error,
    el('div', { className: 'field' }, el('label', { for: 'auth-email' }, 'Email'), email),
    el(
      'div',
      { className: 'field' },
      el('label', { for: 'auth-password' }, 'Password'),
      password,
      mode === 'register' ? el('p', { id: 'password-hint', className: 'hint' }, 'At least 10 characters.') : null,
    ),
    submit,
  );

  container.append(
    el(
      'main',
      { id: 'main', className: 'auth' },
      el('div', { className: 'brand', 'aria-hidden': 'true' }, 'PingCRM'),
      form,
      el('p', { className: 'switch' }, `${text.switchText} `, el('a', { href: `#${text.switchTo}`, id: 'auth-switch' }, text.switchLink)),
    ),
  );
  email.focus();
}
