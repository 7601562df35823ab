//! `--assume MODULE_OR_FILE:LINE=PAM_CODE`: what an unmodelled module returns.

use crate::model::{module_basename, PamCode};

use super::ir::Label;

/// Which rules an assumption applies to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// Every rule of this module (`pam_unix`, `pam_unix.so`, or a path).
    Module(String),
    /// The rule at FILE:LINE (FILE as shown in the trace, or its last components).
    Line { file: String, line: usize },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assumption {
    pub target: Target,
    pub code: PamCode,
}

impl Assumption {
    /// Parse `KEY=CODE`; CODE is `PAM_AUTH_ERR`, `auth_err` or `AUTH_ERR`.
    pub fn parse(text: &str) -> Result<Assumption, String> {
        let (key, code) = text
            .rsplit_once('=')
            .ok_or_else(|| format!("`{text}`: expected MODULE_OR_FILE:LINE=PAM_CODE"))?;
        let code = PamCode::from_name(code)
            .or_else(|| PamCode::from_token(code))
            .ok_or_else(|| format!("`{code}` is not a PAM return code (e.g. PAM_AUTH_ERR)"))?;
        if key.is_empty() {
            return Err(format!("`{text}`: the module or FILE:LINE is empty"));
        }
        let target = match key.rsplit_once(':') {
            Some((file, line)) if !file.is_empty() => match line.parse::<usize>() {
                Ok(line) => Target::Line {
                    file: file.to_string(),
                    line,
                },
                Err(_) => return Err(format!("`{line}` in `{key}` is not a line number")),
            },
            _ => Target::Module(module_basename(key)),
        };
        Ok(Assumption { target, code })
    }

    pub fn matches(&self, label: &Label) -> bool {
        match &self.target {
            Target::Module(name) => module_basename(&label.module) == *name,
            Target::Line { file, line } => {
                *line == label.line
                    && (label.file == *file || label.file.ends_with(&format!("/{file}")))
            }
        }
    }
}

/// The return value assumed for a rule: a FILE:LINE assumption beats a module one.
pub fn assumed(assumptions: &[Assumption], label: &Label) -> Option<PamCode> {
    let line = assumptions
        .iter()
        .rev()
        .find(|a| matches!(a.target, Target::Line { .. }) && a.matches(label));
    let module = || {
        assumptions
            .iter()
            .rev()
            .find(|a| matches!(a.target, Target::Module(_)) && a.matches(label))
    };
    line.or_else(module).map(|a| a.code)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn label(file: &str, line: usize, module: &str) -> Label {
        Label {
            file: file.into(),
            line,
            module: module.into(),
            control: "required".into(),
        }
    }

    #[test]
    fn parses_both_forms_and_code_spellings() {
        let a = Assumption::parse("pam_unix.so=PAM_AUTH_ERR").unwrap();
        assert_eq!(a.target, Target::Module("pam_unix".into()));
        assert_eq!(a.code, PamCode::AuthErr);
        let a = Assumption::parse("/etc/pam.d/sshd:12=user_unknown").unwrap();
        assert_eq!(
            a.target,
            Target::Line {
                file: "/etc/pam.d/sshd".into(),
                line: 12
            }
        );
        assert!(Assumption::parse("pam_unix").is_err());
        assert!(Assumption::parse("pam_unix=NOPE").is_err());
        assert!(Assumption::parse("sshd:x=PAM_SUCCESS").is_err());
    }

    #[test]
    fn line_beats_module() {
        let all = vec![
            Assumption::parse("sshd:3=PAM_IGNORE").unwrap(),
            Assumption::parse("pam_unix=PAM_AUTH_ERR").unwrap(),
        ];
        let l3 = label("/etc/pam.d/sshd", 3, "pam_unix.so");
        let l4 = label("/etc/pam.d/sshd", 4, "/lib/security/pam_unix.so");
        assert_eq!(assumed(&all, &l3), Some(PamCode::Ignore));
        assert_eq!(assumed(&all, &l4), Some(PamCode::AuthErr));
        assert_eq!(assumed(&all, &label("/x/sshd", 4, "pam_env.so")), None);
    }
}
