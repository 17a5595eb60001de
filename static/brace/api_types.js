// @ts-check
// The shapes of the API's answers as browser code reads them, for the type
// checker only: modules bring them in with `@import`, so nothing loads this
// file. The full reference is the OpenAPI schema (/api/schema/); the portal
// runtime's answers are described in docs/runtime-api.md.

/**
 * A list answer: plain, or paginated as {"results": [...]}.
 * @template T
 * @typedef {T[] | { results?: T[] }} Listing
 */

// The editor's API.

/**
 * @typedef {object} Workspace
 * @property {number} id
 * @property {string} name
 * @property {string} [role] the signed-in user's role in it
 */

/**
 * @typedef {object} Application
 * @property {number} id
 * @property {string} name
 * @property {number} [workspace]
 * @property {number | PublishedVersion | null} [published_version]
 */

/**
 * @typedef {object} PublishedVersion
 * @property {number} [number]
 */

/** @typedef {"unauthorized" | "authorized" | "needs_reauthorization" | "error"} AuthorizationStatus */

/**
 * Where a datasource's OAuth 2.0 tokens stand.
 * @typedef {object} Authorization
 * @property {AuthorizationStatus} status
 * @property {string | null} [expires_at]
 * @property {string[]} [scopes]
 * @property {string} [last_error]
 */

/**
 * What DELETE on a datasource's token/ answers (POST answers the
 * Authorization itself).
 * @typedef {object} TokenRevoked
 * @property {boolean} revoked
 * @property {Authorization} authorization
 */

/**
 * A header or query parameter. A credential typed under a credential's name
 * is write-only: it comes back with an empty `value` and `value_set: true`,
 * and sent back so, the stored value is kept.
 * @typedef {object} KeyValue
 * @property {string} key
 * @property {string} value
 * @property {boolean} [value_set]
 */

/**
 * An Authenticated API datasource. Secrets never come back: only whether
 * each is set (`client_secret_set`).
 * @typedef {object} Datasource
 * @property {number} id
 * @property {number} [workspace]
 * @property {string} name
 * @property {string} [preset]
 * @property {string} [preset_region]
 * @property {string} [url]
 * @property {KeyValue[]} [headers]
 * @property {KeyValue[]} [query_params]
 * @property {{ type?: string, [field: string]: unknown }} [authentication]
 * @property {string} [redirect_url]
 * @property {Authorization | null} [authorization]
 */

/**
 * A page of an application, as applications and page lists answer it.
 * @typedef {object} PageSummary
 * @property {number} id
 * @property {number} [application]
 * @property {string} name
 * @property {string} [slug]
 * @property {number} [order]
 */

/**
 * GET/PATCH pages/{id}/: the page with its widget tree. `version` is 1 when
 * made and +1 on every save; a PATCH sending an older one answers 409
 * `version_conflict`.
 * @typedef {object} PageDetail
 * @property {number} id
 * @property {number} application
 * @property {string} name
 * @property {string} slug
 * @property {number} order
 * @property {LayoutNode} layout the stored tree, props and handlers included
 * @property {number} version
 * @property {string} [updated_at]
 */

/**
 * An action's config (builder/action_config.py says what each key means).
 * @typedef {object} ActionConfig
 * @property {string} method
 * @property {string} path
 * @property {KeyValue[]} headers
 * @property {KeyValue[]} query_params
 * @property {string} body_type
 * @property {unknown} body a string (bindings allowed) or JSON
 * @property {number} timeout_s
 */

/**
 * An action (query) of a page; its name is a binding identifier there.
 * @typedef {object} Action
 * @property {number} id
 * @property {number} page
 * @property {string} name
 * @property {number | null} datasource
 * @property {ActionConfig} config
 * @property {string} [created_at]
 * @property {string} [updated_at]
 */

/**
 * POST pages/{id}/rename/: the page (new version) and every action of it.
 * @typedef {object} RenameResult
 * @property {PageDetail} page
 * @property {Action[]} actions
 */

/**
 * An error answer: `field` is the dotted path of the fault.
 * @typedef {object} ApiError
 * @property {string} code
 * @property {string} message
 * @property {string} [field]
 * @property {unknown} [errors]
 */

/** @typedef {"General" | "Validation" | "Style"} PropertySection */

/** @typedef {"text" | "number" | "switch" | "select" | "color" | "list"} PropertyControl */

/**
 * A property of a widget type, as the property pane shows it.
 * @typedef {object} PropertyInfo
 * @property {string} name
 * @property {string} label
 * @property {PropertySection} section
 * @property {PropertyControl} control
 * @property {"string" | "number" | "integer" | "boolean" | "enum" | "string_list"} type
 * @property {unknown} default
 * @property {boolean} bindable may hold a {{ }} binding (the JS toggle)
 * @property {boolean} nullable
 * @property {string[]} [choices]
 * @property {number} [minimum]
 * @property {boolean} [exclusive_minimum]
 * @property {number} [maximum]
 * @property {string} [help]
 */

/**
 * A property end users set in the portal (FilePicker `files`).
 * @typedef {object} MetaInfo
 * @property {string} name
 * @property {unknown} default
 * @property {string} [default_from]
 * @property {string} [help]
 */

/**
 * An event of a widget type (its handler is a property of the same name).
 * @typedef {object} EventInfo
 * @property {string} name
 * @property {string} label
 * @property {string} help
 */

/**
 * GET widget-types/: one registered widget type.
 * @typedef {object} WidgetTypeInfo
 * @property {string} name the `type` of a layout widget
 * @property {string} label
 * @property {string} icon the `d` of an SVG path on a 24x24 view box
 * @property {string} help
 * @property {boolean} is_container
 * @property {{ w: number, h: number }} default_size grid cells: columns of 64, rows of 10 px
 * @property {Record<string, unknown>} default_props what a new widget's props start as
 * @property {PropertyInfo[]} properties
 * @property {MetaInfo[]} meta
 * @property {string[]} derived names of properties computed from the others
 * @property {EventInfo[]} events
 */

// The portal's runtime API.

/**
 * @typedef {object} Position grid cells: 64 columns, rows of 10 px
 * @property {number} [x]
 * @property {number} [y]
 * @property {number} [w]
 * @property {number} [h]
 */

/**
 * A widget of the published page's tree (trigger properties removed).
 * @typedef {object} LayoutNode
 * @property {string} widgetName
 * @property {string} type
 * @property {Position} [position]
 * @property {LayoutNode[]} [children]
 */

/** @typedef {Record<string, unknown>} WidgetProps a widget's evaluated properties */

/**
 * @typedef {object} BindingError
 * @property {string} [name] the JavaScript error's name
 * @property {string} [message]
 * @property {string} [binding]
 */

/**
 * @typedef {object} PageRef
 * @property {number} id
 * @property {string} name
 * @property {string} [slug]
 */

/**
 * GET pages/{id}/: the evaluated published page.
 * @typedef {object} RuntimePage
 * @property {{ id?: number, name?: string, slug?: string }} [application]
 * @property {{ id?: number, name?: string, slug?: string }} [page]
 * @property {PageRef[]} [pages]
 * @property {LayoutNode | null} [layout]
 * @property {Record<string, WidgetProps>} [widgets]
 * @property {Record<string, Record<string, unknown>>} [actions]
 * @property {Record<string, BindingError[]>} [errors] by "Widget.property"
 * @property {Record<string, unknown>} [store]
 * @property {PageLoad} [page_load] the queries that run once the page shows
 */

/**
 * GET pages/{id}/'s `page_load`: the queries POST load/ runs, in order
 * (they read isLoading true until then), and the widgets that wait on them.
 * @typedef {object} PageLoad
 * @property {string[]} actions
 * @property {Record<string, string[]>} widgets
 * @property {{ action: string, code: string, message: string }[]} [errors]
 */

/**
 * A query the end user must confirm before it runs: send `token` back in
 * `confirm` (or the query's name in `cancel`) with the same request.
 * @typedef {object} Confirmation
 * @property {string} action
 * @property {string} token
 * @property {string} code confirmation_required
 * @property {string} message e.g. "Run UploadFileToDropbox?"
 */

/**
 * One thing a handler did, in the order it did it; `type` names the
 * effect and the other fields are those that effect carries.
 * @typedef {object} Effect
 * @property {string} type
 * @property {unknown} [message]
 * @property {unknown} [style]
 * @property {string} [page]
 * @property {string} [url]
 * @property {Record<string, unknown>} [params]
 * @property {string} [target]
 * @property {unknown} [data]
 * @property {string} [name]
 * @property {string} [content_type]
 * @property {unknown} [text]
 * @property {string} [key]
 * @property {unknown} [value]
 * @property {string} [widget]
 * @property {boolean} [reset_children]
 */

/**
 * A background run (a long upload on the Celery worker).
 * @typedef {object} Job
 * @property {string} id
 * @property {string | null} [action] the query it runs, if the handler names one
 * @property {"queued" | "running" | "succeeded" | "failed" | "cancelled"} status
 * @property {number} [progress] bytes_done / total_bytes, 0..1
 * @property {number} [bytes_done] the picked files' bytes the API confirmed
 * @property {number} [total_bytes] the picked files' bytes in all
 * @property {number} [attempts] runs so far (2 once a worker died and another resumed it)
 * @property {EventAnswer | null} [result] once succeeded: its event's answer
 * @property {{ code?: string, message?: string } | null} [error] once failed or cancelled
 */

/**
 * POST pages/{id}/events/ (and a succeeded job's result): only what changed.
 * @typedef {object} EventAnswer
 * @property {Effect[]} [effects]
 * @property {Record<string, Record<string, unknown>>} [widgets] changed properties; null: lost its value
 * @property {Record<string, Record<string, unknown>>} [actions]
 * @property {Record<string, BindingError[]>} [errors] `[]`: that property's errors are gone
 * @property {Record<string, unknown>} [store] the whole store after the event
 * @property {Job[]} [jobs]
 * @property {{ code?: string, name?: string, message?: string }} [error] the handler failed
 * @property {Confirmation[]} [confirm] nothing ran: these queries wait for the end user's answer
 */

/**
 * POST files/: a stored file; `data` is the reference the server gave it,
 * or the content itself for a small file read as text or base64.
 * @typedef {object} RuntimeFile
 * @property {string} id
 * @property {string} name
 * @property {number} size
 * @property {string} type
 * @property {string} data
 */

export {};
