;;; portchain.el --- Drives portchain's language server from a real Emacs with eglot -*- lexical-binding: t -*-
;;
;; For test/emacs/emacs.test.ts, with Debian's Emacs 28, elpa-eglot 1.9 and elpa-yaml-mode:
;;
;;   emacs --batch -l test/emacs/portchain.el
;;
;; PORTCHAIN_EMACS_CONFIG names the same JSON file test/neovim/portchain.lua reads: root, output,
;; timeoutMs, snippet, open (paths), requests (name, method, file, line, character). It starts up as
;; an interactive Emacs would (the packages' autoloads, then the user's init: `snippet', the README's
;; block verbatim), visits the files, and after each visit runs `post-command-hook' as the command
;; loop does after C-x C-f: that is where `eglot-ensure' connects. Then it waits for flymake's
;; diagnostics, sends each request from its file's buffer, and writes what Emacs holds as JSON to
;; output: the messages shown, eglot's servers and the processes Emacs started, the diagnostics per
;; file, each request's result.

(require 'json)

(defun portchain--wait (predicate timeout-ms)
  "Runs the event loop until PREDICATE holds or TIMEOUT-MS pass; returns whether it held."
  (let ((deadline (+ (float-time) (/ timeout-ms 1000.0))))
    (while (and (not (funcall predicate)) (< (float-time) deadline))
      (accept-process-output nil 0.05))
    (funcall predicate)))

(defvar portchain--messages nil "The messages shown in the echo area, latest first.")

(defun portchain--record-message (format-string &rest args)
  "Keeps what `message' shows, for the report."
  (when format-string
    (push (apply #'format-message format-string args) portchain--messages)))

(let* ((json-object-type 'alist)
       (json-array-type 'list)
       (json-key-type 'symbol)
       (config (json-read-file (getenv "PORTCHAIN_EMACS_CONFIG")))
       (root (file-name-as-directory (alist-get 'root config)))
       (timeout (alist-get 'timeoutMs config))
       (report (list (cons 'emacs emacs-version)))
       (buffers nil))
  (condition-case err
      (progn
        ;; What an interactive Emacs does before the user's init: the packages' autoloads
        ;; (yaml-mode's entry in auto-mode-alist among them).
        (package-activate-all)
        (load (alist-get 'snippet config) nil t)
        (advice-add 'message :before #'portchain--record-message)
        ;; The fixture's folder is the project, as a repository's root would be (it is none).
        (add-hook 'project-find-functions
                  (lambda (dir) (when (string-prefix-p root (file-name-as-directory (expand-file-name dir))) (cons 'transient root))))
        (dolist (path (alist-get 'open config))
          (with-current-buffer (find-file (expand-file-name path root))
            (push (cons path (current-buffer)) buffers)
            (run-hooks 'post-command-hook)))
        (setq buffers (nreverse buffers))
        (advice-remove 'message #'portchain--record-message)
        (push (cons 'messages (or (reverse (seq-filter (lambda (text) (string-prefix-p "portchain" text)) portchain--messages)) [])) report)
        (let* ((servers (and (featurep 'eglot) (hash-table-values eglot--servers-by-project)))
               (servers (apply #'append servers))
               (server (car servers)))
          (push (cons 'servers
                      (or (mapcar (lambda (each)
                                    `((project . ,(project-root (eglot--project each)))
                                      (managed . ,(or (sort (mapcar (lambda (buffer) (car (rassq buffer buffers))) (eglot--managed-buffers each)) #'string<) []))))
                                  servers)
                          []))
                report)
          (push (cons 'processes (length (seq-filter (lambda (process) (process-command process)) (process-list)))) report)
          (when server
            ;; flymake asks eglot for diagnostics when it starts; without a command loop, start it here.
            (dolist (entry buffers)
              (with-current-buffer (cdr entry) (flymake-start)))
            (portchain--wait (lambda () (seq-some (lambda (entry) (with-current-buffer (cdr entry) (flymake-diagnostics))) buffers)) timeout)
            (portchain--wait (lambda () nil) 300)
            (push (cons 'diagnostics
                        (mapcar (lambda (entry)
                                  (with-current-buffer (cdr entry)
                                    (flymake-start)
                                    (cons (intern (car entry))
                                          (or (mapcar (lambda (diagnostic)
                                                        (let ((beg (flymake-diagnostic-beg diagnostic)) (end (flymake-diagnostic-end diagnostic)))
                                                          `((line . ,(1- (line-number-at-pos beg)))
                                                            (from . ,(save-excursion (goto-char beg) (current-column)))
                                                            (to . ,(save-excursion (goto-char end) (current-column)))
                                                            (type . ,(symbol-name (flymake-diagnostic-type diagnostic)))
                                                            (text . ,(flymake-diagnostic-text diagnostic)))))
                                                      (flymake-diagnostics))
                                              []))))
                                buffers))
                  report)
            (push (cons 'results
                        (mapcar (lambda (request)
                                  (with-current-buffer (alist-get (alist-get 'file request) buffers nil nil #'equal)
                                    (goto-char (point-min))
                                    (forward-line (alist-get 'line request))
                                    (forward-char (alist-get 'character request))
                                    (cons (intern (alist-get 'name request))
                                          (list (cons 'result (jsonrpc-request server (intern (concat ":" (alist-get 'method request)))
                                                                               (eglot--TextDocumentPositionParams)))))))
                                (alist-get 'requests config)))
                  report)
            (eglot-shutdown server)
            (push (cons 'stopped (not (jsonrpc-running-p server))) report))))
    (error (push (cons 'error (format "%S" err)) report)))
  (with-temp-file (alist-get 'output config)
    (insert (json-encode report)))
  (kill-emacs (if (alist-get 'error report) 1 0)))
