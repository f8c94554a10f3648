"""Reading samples as a researcher: labels (``boundary label``) and, next, the browser view."""
