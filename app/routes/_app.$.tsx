/**
 * Any address no view answers, for a signed-in user: a 404 that the layout's error boundary
 * shows inside the shell, titled by its meta (routes/_app.tsx), instead of the router's bare page.
 */
export async function loader() {
  throw new Response("There is nothing at this address. It may have moved, or the link is mistyped.", {
    status: 404,
  });
}

// A route needs a component to be a page (without one, Remix answers with the raw Response);
// it never renders, the loader always throws.
export default function NotFound() {
  return null;
}
