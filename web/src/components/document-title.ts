import { useEffect } from 'react';

/**
 * Sets the document's title while a page is shown. index.html carries the one `<title>` element; rendering another
 * `<title>` from React would add a second element to the head (React 19 hoists it), which assistive tech and
 * validators report.
 */
export function useDocumentTitle(title: string): void {
  useEffect(() => {
    document.title = title;
  }, [title]);
}
