"""The Textual terminal UI: a front door over the core, like the API and the CLI.

Importing this package loads nothing heavy; `pxa.tui.app.PxaApp` is the application.

Layout of the package
- `app.py`       PxaApp: header, pane switcher (keys 1–7), chat panel, footer; small.
- `core.py`      CoreRunner: builds/starts/stops the Infra and the embedded /v1 server.
- `bridge.py`    EventBridge (bus → messages) and the CoreListener mixin.
- `messages.py`  Past-tense messages panes react to (VmStatusChanged, JobCompleted, ...).
- `ops.py`       run_op / start_op: every call into the core, with confirmation and toasts.
- `modals.py`    Confirmation modals (yes/no for writes, typed name for destructive ops).
- `commands.py`  Command-palette providers ("area: action" titles).
- `help.py`      The `?` screen: active keys and their binding ids.
- `keys.py`      `op_binding` (a key that runs an operation), binding-id checks.
- `themes.py`    Theme files (themes/*.toml) validated by pydantic → Textual themes.
- `panes/`       One module per pane, `Pane` in `panes/base.py`, the order in `PANES`.
- `widgets/`     StatusHeader, ChatPanel, PaneState.
- `pxa.tcss`     The stylesheet: theme variables only.

Conventions for panes (the details are in `panes/base.py`)
- Workers never touch widgets: they post a past-tense message; its handler does.
- Anything remote runs in `@work(exclusive=True, group=...)` and goes through
  `app.run_op`; a view of every VM may read the core's cache (`app.infra.inventory.vms()`,
  no network) since `vm.list` pages by 200. Never `infra.adapter` or the store.
- Core changes arrive as messages (`on_vm_status_changed`, ...); nobody subscribes to the bus.
- Every `Binding` has a kebab-case id; `ui.keymap` rebinds by id. A key that runs an
  operation is `op_binding("s", "vm.start")` (id `vm-start`); others `<pane_id>-<action>`.
- Palette titles read "area: action"; a pane's `areas` choose the catalogue operations shown.
- `app.read_only` tells a pane to hide writes; the core's gate refuses them anyway.
- Colours only through theme variables in `pxa.tcss` ($status-running, $severity-high, ...).
"""
