/**
 * The buttons under a cursor-paged list (calls, credit history, numbers): back to the first
 * page from a later one, and on to the next page when the API gave a `nextCursor`. A list
 * that fits one page shows nothing.
 */
import { Button } from "./ui";

type PagerProps = {
  /** The cursor of the page shown; none on the first page. */
  cursor: string | undefined;
  nextCursor: string | null | undefined;
  /** Opens a page: undefined for the first. */
  onPage: (cursor: string | undefined) => void;
  firstLabel: string;
  nextLabel: string;
};

export function Pager({ cursor, nextCursor, onPage, firstLabel, nextLabel }: PagerProps) {
  if (!cursor && !nextCursor) return null;
  return (
    <div className="mt-4 flex gap-2">
      {cursor && (
        <Button variant="secondary" onClick={() => onPage(undefined)}>
          {firstLabel}
        </Button>
      )}
      {nextCursor && (
        <Button variant="secondary" onClick={() => onPage(nextCursor)}>
          {nextLabel}
        </Button>
      )}
    </div>
  );
}
