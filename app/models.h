/* models.h — the Flasky application's models (app/models.py), declared
 * once and shared by every blueprint that uses them, by `manage seed` and by
 * `manage db migrate`.
 *
 *   Role      roles(id, name unique)                     users  → User (backref role)
 *   User      users(id, username unique index, role_id → roles.id,
 *                   ident_id → idents.id unique, password_hash, member_since)
 *                                                         ident  → Ident (one-to-one, backref user)
 *                                                         articles → Article (dynamic, backref user)
 *   Ident     idents(id, address unique)
 *   Article   articles(id, title, body, user_id → users.id not null,
 *                      rdatetime, isdelete default 0)
 *   Student   student(id autoincrement, s_name String(32) not null unique,
 *                     s_age not null default 18, s_score float not null default 0)
 *                                                         courses → Course (secondary student_course,
 *                                                                   backref students)
 *   Course    course(id, cname unique, score default 5)
 *   StudentCourse  student_course(id, stu_id → student.id, cou_id → course.id,
 *                                 unique (stu_id, cou_id))
 *   Animal    abstract (id, name not null, age default 0) → Dog (dog), Cat (cat)
 */
#ifndef FL_MODELS_H
#define FL_MODELS_H

#include "data/model.h"

/* The models of app/models.py (see the table above). */
extern const fl_model Role;
extern const fl_model User;
extern const fl_model Ident;
extern const fl_model Article;
extern const fl_model Student;
extern const fl_model Course;
extern const fl_model StudentCourse;
extern const fl_model Dog;
extern const fl_model Cat;

/* Every table of the application, parents before children, NULL-terminated:
 * what create_all, drop_all, seed and db migrate work on. */
extern const fl_model *const flasky_models[];

#endif
