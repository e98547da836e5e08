;;; portchain.el --- Drives portchain's language server from a real Emacs with eglot -*- lexical-binding: t -*-
;;
;; For test/emacs/emacs.test.ts, with Debian's Emacs 28 and elpa-eglot 1.9:
;;
;;   emacs --batch -l test/emacs/portchain.el
;;
;; PORTCHAIN_EMACS_CONFIG names the same JSON file test/neovim/portchain.lua reads: node, server,
;; root, output, timeoutMs, open (paths), requests (name, method, file, line, character). It
;; registers the server for yaml-mode in `eglot-server-programs' as the README tells Emacs users
;; to, opens the files, lets eglot manage them, waits for flymake's diagnostics, sends each request
;; from its file's buffer, and writes what Emacs holds as JSON to output.

(require 'eglot)
(require 'flymake)
(require 'json)

;; Emacs 28 has no yaml-mode of its own; eglot names the language after the mode ("yaml").
(define-derived-mode yaml-mode prog-mode "YAML")

(defun portchain--wait (predicate timeout-ms)
  "Runs the event loop until PREDICATE holds or TIMEOUT-MS pass; returns whether it held."
  (let ((deadline (+ (float-time) (/ timeout-ms 1000.0))))
    (while (and (not (funcall predicate)) (< (float-time) deadline))
      (accept-process-output nil 0.05))
    (funcall predicate)))

(let* ((json-object-type 'alist)
       (json-array-type 'list)
       (json-key-type 'symbol)
       (config (json-read-file (getenv "PORTCHAIN_EMACS_CONFIG")))
       (root (file-name-as-directory (alist-get 'root config)))
       (timeout (alist-get 'timeoutMs config))
       (report (list (cons 'emacs emacs-version) (cons 'eglot (if (boundp 'eglot--version) eglot--version "1.9"))))
       (buffers nil))
  (condition-case err
      (progn
        (setq eglot-server-programs
              `((yaml-mode . (,(alist-get 'node config) ,(alist-get 'server config) "--stdio"))))
        (dolist (path (alist-get 'open config))
          (with-current-buffer (find-file-noselect (expand-file-name path root))
            (yaml-mode)
            (push (cons path (current-buffer)) buffers)))
        ;; The fixture's folder is the project, as a repository's root would be (it is none).
        (add-hook 'project-find-functions
                  (lambda (dir) (when (string-prefix-p root (file-name-as-directory (expand-file-name dir))) (cons 'transient root))))
        ;; M-x eglot: what it guesses from eglot-server-programs and the project.
        (with-current-buffer (cdar buffers)
          (apply #'eglot (eglot--guess-contact)))
        (let ((server (with-current-buffer (cdar buffers) (eglot--current-server-or-lose))))
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
          (push (cons 'stopped (not (jsonrpc-running-p server))) report)))
    (error (push (cons 'error (format "%S" err)) report)))
  (with-temp-file (alist-get 'output config)
    (insert (json-encode report)))
  (kill-emacs (if (alist-get 'error report) 1 0)))
