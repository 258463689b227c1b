import { Link } from 'react-router';
import { PageHeader } from '../components/Page.tsx';

export function NotFoundPage() {
  return (
    <>
      <PageHeader title="Page not found" description="There is no page at this address." />
      <div className="panel">
        <p>The link may be out of date, or the address may have a typo.</p>
        <p>
          <Link to="/actions" className="button button--primary">
            Go to the Action Hub
          </Link>
        </p>
      </div>
    </>
  );
}
