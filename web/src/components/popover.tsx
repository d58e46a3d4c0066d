import { Popover as AriakitPopover, PopoverDisclosure, PopoverHeading, PopoverProvider } from '@ariakit/react';
import type { ReactElement, ReactNode } from 'react';

/**
 * A non-modal panel anchored to its button (filters, column choice): Escape
 * and a click outside close it and focus goes back to the button. `trigger` is
 * the button element; its props are merged with the disclosure's.
 */
export function Popover({
  open,
  onOpenChange,
  trigger,
  title,
  children,
  placement = 'bottom-start',
  className,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  trigger: ReactElement;
  /** Read by screen readers as the panel's name; shown as its heading. */
  title: string;
  children: ReactNode;
  placement?: 'bottom-start' | 'bottom-end';
  className?: string;
}) {
  return (
    <PopoverProvider open={open} setOpen={onOpenChange} placement={placement}>
      <PopoverDisclosure render={trigger} />
      <AriakitPopover className={`kit-popover${className ? ` ${className}` : ''}`} gutter={6} unmountOnHide portal={false} fitViewport>
        <PopoverHeading className="sr-only">{title}</PopoverHeading>
        {children}
      </AriakitPopover>
    </PopoverProvider>
  );
}
