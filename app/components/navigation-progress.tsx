import { useNavigation } from "@remix-run/react";
import { useEffect, useState } from "react";

/** Fast navigations finish before this: no bar flickers for them. */
const SHOW_AFTER_MS = 150;

/** A thin bar at the top while a page loads or a form submits (Remix's useNavigation). */
export function NavigationProgress() {
  const busy = useNavigation().state !== "idle";
  const [visible, setVisible] = useState(false);
  useEffect(() => {
    if (!busy) {
      setVisible(false);
      return;
    }
    const timer = setTimeout(() => setVisible(true), SHOW_AFTER_MS);
    return () => clearTimeout(timer);
  }, [busy]);
  if (!visible) return null;
  return (
    <div className="nav-progress" role="progressbar" aria-label="Loading" data-testid="navigation-progress" />
  );
}
