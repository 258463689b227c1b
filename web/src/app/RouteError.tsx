import { isRouteErrorResponse, useRouteError } from 'react-router';
import { StatusScreen } from '../components/StatusScreen.tsx';

/** Last line of defence for render errors: say so plainly and offer a reload. */
export function RouteError() {
  const error = useRouteError();
  const detail = isRouteErrorResponse(error)
    ? `${error.status} ${error.statusText}`
    : error instanceof Error
      ? error.message
      : 'Unknown error';
  return (
    <StatusScreen
      title="Something went wrong"
      tone="error"
      actions={
        <>
          <button type="button" className="button button--primary" onClick={() => window.location.reload()}>
            Reload
          </button>
          <a className="button button--ghost" href="/">
            Go to start
          </a>
        </>
      }
    >
      <p>This page failed to display. Reloading usually helps; if it keeps happening, tell us what you were doing.</p>
      <p className="muted">
        <code>{detail}</code>
      </p>
    </StatusScreen>
  );
}
