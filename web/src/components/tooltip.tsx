import { Tooltip as AriakitTooltip, TooltipAnchor, TooltipProvider } from '@ariakit/react';
import type { ReactElement } from 'react';

/**
 * A short hint on hover and keyboard focus, announced as the anchor's
 * description. Never the only place something important is said: the
 * anchor's own text must stand alone.
 */
export function Tooltip({ content, children }: { content: string; children: ReactElement }) {
  return (
    <TooltipProvider>
      <TooltipAnchor render={children} />
      <AriakitTooltip className="tooltip" gutter={6}>
        {content}
      </AriakitTooltip>
    </TooltipProvider>
  );
}
