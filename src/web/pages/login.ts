/** The login page: one field for the access token printed when the dashboard started. */
import { html } from '../../report/html-escape.ts';
import { page } from './layout.ts';

export function loginPage(options: { next: string; wrong: boolean }): string {
  const wrong = options.wrong ? '<p class="problem" role="alert">That is not this dashboard\'s access token.</p>' : '';
  return page({
    title: 'Log in',
    body: `<h1>Exposure dashboard</h1>
<p>Give the access token that <code>exposure serve</code> printed when it started (or the one in its <code>--token-file</code>).</p>
${wrong}
<form method="post" action="/login" class="login">
<input type="hidden" name="next" value="${html(options.next)}">
<label for="token">Access token</label>
<input id="token" name="token" type="password" autocomplete="off" required autofocus>
<button type="submit">Log in</button>
</form>`,
  });
}
