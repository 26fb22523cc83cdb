"""Asks the window titled argv[1] to close, as a window manager's close button does: a
WM_DELETE_WINDOW message. Under Xvfb there is no window manager, and WebDriver can only close
the page, not the window."""
import sys

from Xlib import X, display, protocol


def find(window, title):
    """The windows shown on screen with this title. GTK also gives the title to windows that
    are never mapped, which take no notice of the message."""
    for child in window.query_tree().children:
        if child.get_wm_name() == title and child.get_attributes().map_state == X.IsViewable:
            yield child
        yield from find(child, title)


def main():
    title = sys.argv[1]
    d = display.Display()
    windows = list(find(d.screen().root, title))
    if len(windows) != 1:
        sys.exit(f"{len(windows)} windows titled {title!r} are shown, not one")
    protocols = d.intern_atom("WM_PROTOCOLS")
    delete = d.intern_atom("WM_DELETE_WINDOW")
    event = protocol.event.ClientMessage(window=windows[0], client_type=protocols, data=(32, [delete, X.CurrentTime, 0, 0, 0]))
    windows[0].send_event(event, event_mask=X.NoEventMask)
    d.flush()


if __name__ == "__main__":
    main()
