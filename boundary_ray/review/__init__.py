"""Reading samples as a researcher: labels (``boundary label``, ``labelling``) and the browser
view (``boundary view``, ``view/``)."""
